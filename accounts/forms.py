from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """The sign-in form, with the autocomplete hints password managers and phones use."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username", autocapitalize="none")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")
