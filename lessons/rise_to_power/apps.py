from lessons.apps import SectionConfig


class RiseToPowerConfig(SectionConfig):
    default = True
    name = "lessons.rise_to_power"
    label = "rise_to_power"
    verbose_name = "Stalin’s Rise to Power"
