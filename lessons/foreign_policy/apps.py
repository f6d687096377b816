from lessons.apps import SectionConfig


class ForeignPolicyConfig(SectionConfig):
    default = True
    name = "lessons.foreign_policy"
    label = "foreign_policy"
    verbose_name = "Stalin and Foreign Policy"
