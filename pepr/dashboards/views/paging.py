"""What the dashboards' pages share: the pager of their lists, amounts as they are written, the
page shown before the programme's reference data is loaded."""
from django.core.paginator import Paginator
from django.shortcuts import render

from pepr.core import charts

PAGE_SIZE = 25


def euros(value):
    return f"{charts.number(value)} €"


def percent(value):
    return f"{charts.number(value, 1)} %"


class CountedPaginator(Paginator):
    """Django's Paginator for one of a page's lists whose total the page already counted (one
    aggregate for several lists): no COUNT query of its own. It also knows the URL parameter that
    names its page and the page's other parameters, which its links keep."""

    def __init__(self, object_list, *, count, request, param, per_page=PAGE_SIZE):
        super().__init__(object_list, per_page)
        self._count = count
        self.param = param
        others = request.GET.copy()
        others.pop(param, None)
        self.query = others.urlencode()

    @property
    def count(self):
        return self._count


def page(request, param, queryset, count):
    """The page of `queryset` named by ?<param>= (the first for a missing or wrong number, the
    last past the end), its rows read by one LIMITed query."""
    return CountedPaginator(queryset, count=count, request=request, param=param).get_page(
        request.GET.get(param))


def no_programme(request, template):
    return render(request, template, {"programme": None})
