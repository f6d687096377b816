from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = "Discussions"

    def ready(self):
        from classroom.signals import answers_wanted

        from .selectors import answers_for_progress

        # Posts are answers: the progress grid and dashboards count them through classroom's
        # signal, so classroom never imports discussions.
        answers_wanted.connect(answers_for_progress, dispatch_uid="discussions.answers")
