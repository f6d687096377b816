from lessons.apps import SectionConfig


class GovernmentAndTerrorConfig(SectionConfig):
    default = True
    name = "lessons.government_and_terror"
    label = "government_and_terror"
    verbose_name = "Stalinist Government and Terror"
