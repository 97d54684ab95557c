"""What a browser would post from an admin change page: every field of its form as rendered,
management forms of the inlines included, so that a test changes only what it means to."""
from html.parser import HTMLParser

SKIPPED_INPUTS = {"submit", "button", "image", "file", "reset"}


class _FormFields(HTMLParser):
    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self.select = self.textarea = None

    def _add(self, name, value):
        # The inlines' hidden template row ("-__prefix__-") is posted by browsers, ignored by Django.
        if "__prefix__" not in name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
            elif kind not in SKIPPED_INPUTS:
                self._add(name, attrs.get("value", ""))
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in attrs, "first": None,
                           "chosen": False}
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["chosen"] = True
                self._add(self.select["name"], value)
        elif tag == "textarea" and name:
            self.textarea = name
            self._add(name, "")

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            # As in a browser: the newline that follows <textarea> is not part of the value.
            value = self.data[self.textarea][-1]
            self.data[self.textarea][-1] = value[1:] if value.startswith("\n") else value
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen, first = self.select["chosen"], self.select["first"]
            if not chosen and not self.select["multiple"] and first is not None:
                self._add(self.select["name"], first)  # a browser posts the first option
            self.select = None


def change_form_data(response, model_name):
    """{name: [values]} of the admin's `<model_name>_form` in `response`, ready to post."""
    assert response.status_code == 200, response.status_code
    parser = _FormFields(f"{model_name}_form")
    parser.feed(response.content.decode())
    assert parser.data, f"no {model_name}_form on the page"
    return {**parser.data, "_save": "Save"}
