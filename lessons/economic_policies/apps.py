from lessons.apps import SectionConfig


class EconomicPoliciesConfig(SectionConfig):
    default = True
    name = "lessons.economic_policies"
    label = "economic_policies"
    verbose_name = "Stalinist Economic Policies"
