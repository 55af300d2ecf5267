from django.utils.functional import SimpleLazyObject

from guide.reading import progress_for


def reader(request):
    # Lazy: a page without spoiler-tagged items never asks the database.
    return {"reader_progress": SimpleLazyObject(lambda: progress_for(request))}
