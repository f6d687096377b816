from lessons.apps import SectionConfig


class AfterTheWarConfig(SectionConfig):
    default = True
    name = "lessons.after_the_war"
    label = "after_the_war"
    verbose_name = "After the Second World War"
