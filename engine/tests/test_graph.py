import pytest

from ..graph import CycleError, find_cycle, topological_layers, topological_order


def test_no_cycle():
    assert find_cycle(["a", "b", "c"], [("a", "b"), ("b", "c"), ("a", "c")]) is None
    assert find_cycle([], []) is None


def test_self_loop():
    assert find_cycle(["a", "b"], [("a", "b"), ("b", "b")]) == ["b"]


def test_cycle_is_reported_in_order():
    nodes = ["Design", "Build", "Test", "Ship"]
    edges = [("Design", "Build"), ("Build", "Test"), ("Test", "Design"), ("Test", "Ship")]
    assert find_cycle(nodes, edges) == ["Design", "Build", "Test"]


def test_cycle_does_not_depend_on_edge_order():
    nodes = [1, 2, 3, 4, 5]
    edges = [(1, 2), (2, 3), (3, 1), (3, 4), (4, 5), (5, 3)]
    first = find_cycle(nodes, edges)
    assert first == find_cycle(nodes, list(reversed(edges)))
    # Node input order decides: 1 is explored first, 2 before 3's successors.
    assert first == [1, 2, 3]
    assert find_cycle([4, 5, 3, 1, 2], edges) == [4, 5, 3]


def test_unknown_node_in_edge():
    with pytest.raises(ValueError, match="unknown node"):
        find_cycle(["a"], [("a", "b")])


def test_large_graphs_are_iterative():
    # Far deeper than the recursion limit.
    n = 100_000
    nodes = list(range(n))
    cycle = find_cycle(nodes, [(i, (i + 1) % n) for i in range(n)])
    assert len(cycle) == n
    assert cycle[:3] == [0, 1, 2]
    nodes = nodes[:20_000]
    chain = [(i, i + 1) for i in range(len(nodes) - 1)]
    assert find_cycle(nodes, chain) is None
    assert topological_order(nodes, chain) == nodes
    assert len(topological_layers(nodes, chain)) == len(nodes)


def test_topological_order_is_stable():
    nodes = ["d", "c", "b", "a"]
    assert topological_order(nodes, []) == nodes
    assert topological_order(nodes, [("a", "d")]) == ["c", "b", "a", "d"]
    # Among ready nodes the one given first wins: d is released after a but precedes it.
    edges = [("c", "a"), ("b", "d")]
    assert topological_order(nodes, edges) == ["c", "b", "d", "a"]


def test_duplicates_are_ignored():
    assert topological_order(["a", "b", "a"], [("a", "b"), ("a", "b")]) == ["a", "b"]


def test_topological_order_raises_cycle_error_with_names():
    nodes = ["Spec", "Review", "Approve", "Launch"]
    edges = [
        ("Spec", "Review"),
        ("Review", "Approve"),
        ("Approve", "Review"),
        ("Approve", "Launch"),
    ]
    with pytest.raises(CycleError) as info:
        topological_order(nodes, edges)
    assert info.value.cycle == ["Review", "Approve"]
    assert str(info.value) == "Dependency cycle: Review \u2192 Approve \u2192 Review"
    assert isinstance(info.value, ValueError)


def test_layers():
    nodes = ["a", "b", "c", "d", "e", "f"]
    edges = [("a", "c"), ("b", "c"), ("c", "d"), ("a", "d"), ("e", "d")]
    assert topological_layers(nodes, edges) == [["a", "b", "e", "f"], ["c"], ["d"]]
    assert topological_layers([], []) == []


def test_layers_keep_input_order_within_a_layer():
    nodes = ["z", "y", "x", "w"]
    edges = [("z", "w"), ("y", "x")]
    assert topological_layers(nodes, edges) == [["z", "y"], ["x", "w"]]


def test_layers_raise_on_cycle():
    with pytest.raises(CycleError) as info:
        topological_layers(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "b")])
    assert info.value.cycle == ["b", "c"]
