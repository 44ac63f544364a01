from django import forms

from .models import ErrorReport


class ErrorReportForm(forms.ModelForm):
    # A honeypot: hidden from people (CSS and aria-hidden), filled in by naive bots.
    website = forms.CharField(required=False, max_length=200, label="Leave this field empty")

    class Meta:
        model = ErrorReport
        fields = ["page", "what", "source", "contact"]
        widgets = {
            "page": forms.HiddenInput,
            "what": forms.Textarea(attrs={"rows": 6, "maxlength": 2000}),
            "source": forms.TextInput(attrs={"maxlength": 500}),
            "contact": forms.TextInput(attrs={"maxlength": 200, "autocomplete": "email"}),
        }
        help_texts = {
            "what": "Up to 2,000 characters. Say which record and what the sources say instead.",
            "source": "A link or a citation, if you have one.",
            "contact": "Optional. An e-mail address if you would like an answer; editors only.",
        }

    def clean_page(self):
        page = self.cleaned_data.get("page", "")
        # Only a path on this site: never a link elsewhere that an editor might follow blindly.
        if page and (not page.startswith("/") or page.startswith("//")):
            return ""
        return page

    def clean_what(self):
        what = self.cleaned_data["what"].strip()
        if not what:
            raise forms.ValidationError("Say what is wrong.")
        return what

    @property
    def is_bot(self):
        return bool(self.cleaned_data.get("website"))
