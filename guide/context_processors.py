from guide.reading import Reading


def reader(request):
    # Lazy inside: a page without spoiler-tagged items or watch controls never asks.
    return {"reading": Reading(request)}
