"""Directed graphs given as node keys and (predecessor, successor) edges.

Everything is iterative (no recursion limit at 100,000 nodes) and
deterministic: wherever there is a choice, the node given first wins.
Duplicate nodes and edges are ignored; an edge naming an unknown node raises
``ValueError``.
"""

import heapq


class CycleError(ValueError):
    """The graph has a cycle; ``cycle`` lists it as [a, b, c] for a→b→c→a."""

    def __init__(self, cycle):
        self.cycle = list(cycle)
        path = " \u2192 ".join(str(node) for node in self.cycle + self.cycle[:1])
        super().__init__(f"Dependency cycle: {path}")


def _index(nodes, edges):
    """Return (ordered unique nodes, successor index lists, in-degrees).

    Successor lists are sorted by node input order so traversals do not
    depend on the order of the edges.
    """
    ordered = list(dict.fromkeys(nodes))
    position = {node: i for i, node in enumerate(ordered)}
    successors = [[] for _ in ordered]
    indegree = [0] * len(ordered)
    seen = set()
    for predecessor, successor in edges:
        try:
            source, target = position[predecessor], position[successor]
        except KeyError as error:
            raise ValueError(
                f"Edge ({predecessor!r}, {successor!r}) names unknown node {error.args[0]!r}"
            ) from None
        if (source, target) in seen:
            continue
        seen.add((source, target))
        successors[source].append(target)
        indegree[target] += 1
    for targets in successors:
        if len(targets) > 1:
            targets.sort()
    return ordered, successors, indegree


def _cycle_among(successors, allowed=None):
    """Find one cycle with an iterative depth-first search; return its indexes or None.

    ``allowed`` restricts the search to a set of node indexes.
    """
    white, grey, black = 0, 1, 2
    color = [white] * len(successors)
    for root in range(len(successors)):
        if color[root] != white or (allowed is not None and root not in allowed):
            continue
        path = [root]  # the grey nodes, in visiting order
        cursors = [0]
        color[root] = grey
        while path:
            node = path[-1]
            targets = successors[node]
            if cursors[-1] < len(targets):
                target = targets[cursors[-1]]
                cursors[-1] += 1
                if allowed is not None and target not in allowed:
                    continue
                if color[target] == grey:
                    return path[path.index(target) :]
                if color[target] == white:
                    color[target] = grey
                    path.append(target)
                    cursors.append(0)
            else:
                color[node] = black
                path.pop()
                cursors.pop()
    return None


def find_cycle(nodes, edges):
    """Return one cycle as an ordered list [a, b, c] (meaning a→b→c→a), or None."""
    ordered, successors, _indegree = _index(nodes, edges)
    cycle = _cycle_among(successors)
    if cycle is None:
        return None
    return [ordered[i] for i in cycle]


def topological_order(nodes, edges):
    """Return the nodes with every predecessor before its successors.

    Kahn's algorithm; among the nodes ready at the same time, the one given
    first comes first. Raises ``CycleError`` on a cycle.
    """
    ordered, successors, indegree = _index(nodes, edges)
    ready = [i for i, degree in enumerate(indegree) if not degree]
    heapq.heapify(ready)
    result = []
    while ready:
        node = heapq.heappop(ready)
        result.append(node)
        for target in successors[node]:
            indegree[target] -= 1
            if not indegree[target]:
                heapq.heappush(ready, target)
    if len(result) < len(ordered):
        _raise_cycle(ordered, successors, indegree)
    return [ordered[i] for i in result]


def topological_layers(nodes, edges):
    """Group the nodes in waves: layer 0 has no predecessor, layer k only predecessors in < k.

    Each layer keeps the input order. Raises ``CycleError`` on a cycle.
    """
    ordered, successors, indegree = _index(nodes, edges)
    layer = [i for i, degree in enumerate(indegree) if not degree]
    layers = []
    placed = 0
    while layer:
        layers.append([ordered[i] for i in layer])
        placed += len(layer)
        following = []
        for node in layer:
            for target in successors[node]:
                indegree[target] -= 1
                if not indegree[target]:
                    following.append(target)
        layer = sorted(following)
    if placed < len(ordered):
        _raise_cycle(ordered, successors, indegree)
    return layers


def _raise_cycle(ordered, successors, indegree):
    """Raise ``CycleError`` for a cycle among the nodes Kahn's algorithm could not place."""
    remaining = {i for i, degree in enumerate(indegree) if degree}
    cycle = _cycle_among(successors, remaining)
    raise CycleError([ordered[i] for i in cycle])
