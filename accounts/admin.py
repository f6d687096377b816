"""Admin helpers every app's admin shares. The user admin itself is registered in
``privacy/admin.py``: deciding whom a teacher may see there needs their classes."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import Http404


class ScopedAdminMixin:
    """Answer 404 for objects outside ``get_queryset`` rather than the admin's redirect, and
    for an id that is not an id at all (``abc``, NUL) rather than a server error."""

    def _check_in_scope(self, request, object_id):
        if object_id is not None:
            try:
                pk = self.model._meta.pk.to_python(unquote(object_id))
            except ValidationError:
                raise Http404("That is not an id.") from None
            if not self.get_queryset(request).filter(pk=pk).exists():
                raise Http404("No such object among yours.")

    def get_changeform_initial_data(self, request):
        """Initial values from the query string (``?school_class=3``), less any that do not
        parse as their field's value: a link typed wrong shows an empty field, not an error."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:  # not a model field: left for the form to judge
                continue
            target = field.target_field if field.is_relation else field
            values = value if isinstance(value, list) else [value]
            try:
                for item in values:
                    if "\x00" in str(item):
                        raise ValidationError("NUL")
                    target.to_python(item)
            except (ValidationError, ValueError, TypeError):
                del initial[name]
        return initial

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._check_in_scope(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._check_in_scope(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._check_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)
