from lessons.apps import SectionConfig


class LegacyConfig(SectionConfig):
    default = True
    name = "lessons.legacy"
    label = "legacy"
    verbose_name = "Stalin’s Legacy"
