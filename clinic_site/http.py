from django.http import HttpResponseRedirect


class HttpResponseSeeOther(HttpResponseRedirect):
    """After a form post: the browser fetches the next page with GET."""

    status_code = 303
