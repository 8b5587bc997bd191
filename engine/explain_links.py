"""The collaboration links an explanation cites: past projects a candidate shared with the
requester or a positive example, or a path through a partner they have in common."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.attestation import Source
from engine.context import RequestContext
from engine.match import Match
from engine.network import SharedProject
from engine.view import IndexView


def network_links(
    view: IndexView, context: RequestContext, match: Match, *, direct: bool, indirect: bool
) -> list[dict[str, Any]]:
    """The past projects that link ``match`` with the requester or a positive example:
    direct ones, else one path through a common partner."""
    graph = view.derived.graph
    slot = view.corpus.slot(match.profile.id)
    name = match.profile.name.casefold()
    # a link with itself, or with a namesake (CORDIS lists some organisations twice), says
    # nothing: "OERLIKON is proposed because it partnered with OERLIKON"
    sources = [int(s) for s in context.sources
               if s != slot and view.corpus.profile(int(s)).name.casefold() != name]
    links: list[dict[str, Any]] = []
    for source in sources if direct else ():
        partner = view.corpus.profile(source)
        for project in graph.shared_projects(source, slot, limit=2):
            links.append({"type": "direct", "with_id": partner.id, "with_name": partner.name,
                          "of_requester": source == context.requester,
                          "title": project.title, "year": project.year,
                          **origin(view, project)})
    bridge = graph.bridge(np.array(sources, np.int64), slot) if (
        not links and indirect and match.signals.get("network_indirect", 0) > 0) else None
    if bridge is not None and view.corpus.profile(bridge[1]).name.casefold() != name:
        source, partner = bridge
        via, start = view.corpus.profile(partner), view.corpus.profile(source)
        first = graph.shared_projects(source, partner, limit=1)
        second = graph.shared_projects(partner, slot, limit=1)
        links.append({
            "type": "indirect", "via_id": via.id, "via_name": via.name,
            # "your partner" only for the requester's own partners, not an example's
            "from_id": start.id, "from_name": start.name,
            "of_requester": source == context.requester,
            "requester_project": first[0].title if first else None,
            "title": second[0].title if second else None,
            "year": second[0].year if second else None,
            **(origin(view, second[0]) if second else {"project": None}),
        })
    return links


def origin(view: IndexView, project: SharedProject) -> dict[str, Any]:
    """Where a shared ``project`` is known from: ``project`` (its id), ``source`` (cordis,
    h2020, curator, self-declared) and ``provenance``, the words an advisor reads
    (``"self-declared by X, confirmed by Y"``)."""
    words = project.source.label
    if project.source is Source.SELF:
        owner = view.corpus.profile(view.corpus.slot(project.owner))
        activity = next(a for a in owner.activities if a.id == project.id)
        names = [view.corpus.profile(view.corpus.slots[p]).name
                 for p in sorted(activity.provenance.confirmed) if p in view.corpus.slots]
        words = f"self-declared by {owner.name}, confirmed by {', '.join(names) or 'a partner'}"
    return {"project": project.id, "source": project.source.value, "provenance": words}
