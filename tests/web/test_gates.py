"""The gates' queue (web.gates): who gets a freed slot, and what a request that goes away leaves behind."""

from __future__ import annotations

import asyncio

import pytest

from seqlab.web.errors import Saturated
from seqlab.web.gates import Gate
from tests.web.conftest import in_own_loop


async def queued(gate: Gate, order: list, name: str, cost: float):
    """Wait for a slot of ``gate``, note ``name`` on getting it, and hold it until the test frees it."""
    started = await gate.enter(cost)
    order.append(name)
    return started


async def settle():
    for _ in range(5):
        await asyncio.sleep(0)


def test_a_freed_slot_goes_to_the_cheapest_waiting_request_and_the_earliest_among_equals():
    """And to the earliest alone where the gate's order is "arrival" (benchmarks/bench_web.py --gate-order)."""

    async def scenario(order_by):
        gate = Gate("encoder", slots=1, queue=4, mean_s=60.0, order=order_by)  # no one is overdue in this test
        held = await gate.enter(1)
        order: list[str] = []
        tasks = []
        for name, cost in (("pair-1", 2), ("one-1", 1), ("pair-2", 2), ("one-2", 1)):
            tasks.append(asyncio.ensure_future(queued(gate, order, name, cost)))
            await settle()
        assert (gate.running, gate.waiting, order) == (1, 4, [])
        for _ in tasks:
            gate.leave(held)  # one slot freed: the next request gets it
            gate.mean_s = 60.0  # leave() averages in the time held; keep every request short of overdue
            await settle()
        return order, gate.running, gate.waiting

    order, running, waiting = in_own_loop(scenario("cost"))
    assert order == ["one-1", "one-2", "pair-1", "pair-2"]
    assert (running, waiting) == (1, 0)
    assert in_own_loop(scenario("arrival"))[0] == ["pair-1", "one-1", "pair-2", "one-2"]


def test_a_request_that_waited_past_twice_the_mean_time_goes_first_whatever_its_cost():
    async def scenario():
        gate = Gate("encoder", slots=1, queue=4, mean_s=60.0)
        held = await gate.enter(1)
        order: list[str] = []
        dear = asyncio.ensure_future(queued(gate, order, "pair", 2))
        await asyncio.sleep(0.05)
        cheap = asyncio.ensure_future(queued(gate, order, "one", 1))
        await settle()
        gate.mean_s = 0.001  # after leave() averages in the 0.05 s held: about 0.011 s, and the pair has waited
        gate.leave(held)     # 0.05 s, more than twice that
        await settle()
        first = list(order)
        for task in (dear, cheap):
            task.cancel()
        return first

    assert in_own_loop(scenario()) == ["pair"]


async def one_held_two_waiting(second: str):
    """A gate of one slot, held, with "gone" (cost 1) and ``second`` (cost 2) waiting for it, in that order."""
    gate = Gate("encoder", slots=1, queue=2, mean_s=60.0)
    held = await gate.enter(1)
    order: list[str] = []
    gone = asyncio.ensure_future(queued(gate, order, "gone", 1))
    other = asyncio.ensure_future(queued(gate, order, second, 2))
    await settle()
    return gate, held, order, gone, other


def test_a_request_that_goes_away_while_waiting_leaves_no_trace_in_the_counts():
    async def scenario():
        gate, held, order, gone, stays = await one_held_two_waiting("stays")
        gone.cancel()
        await settle()
        counts = (gate.running, gate.waiting)
        gate.leave(held)
        await settle()
        return counts, order, (gate.running, gate.waiting), stays.done()

    counts, order, after, served = in_own_loop(scenario())
    assert counts == (1, 1)
    assert order == ["stays"] and after == (1, 0) and served


def test_a_slot_handed_to_a_request_as_it_goes_away_passes_to_the_next():
    async def scenario():
        gate, held, order, gone, nxt = await one_held_two_waiting("next")
        gate.leave(held)  # hands the slot to "gone" (the cheaper) ...
        gone.cancel()  # ... which is cancelled before it runs again
        await settle()
        return order, (gate.running, gate.waiting), nxt.done(), gone.cancelled()

    order, counts, served, cancelled = in_own_loop(scenario())
    assert cancelled and order == ["next"] and served
    assert counts == (1, 0)


def test_a_full_queue_answers_saturated_and_raised_slots_serve_the_waiting_at_once():
    async def scenario():
        gate = Gate("encoder", slots=1, queue=1, mean_s=60.0)
        await gate.enter(1)
        order: list[str] = []
        waiting = asyncio.ensure_future(queued(gate, order, "waits", 1))
        await settle()
        with pytest.raises(Saturated):
            await gate.enter(1)
        gate.slots = 3
        late = asyncio.ensure_future(queued(gate, order, "late", 1))  # its arrival hands out the free slots
        await settle()
        return order, (gate.running, gate.waiting), waiting.done() and late.done()

    order, counts, served = in_own_loop(scenario())
    assert sorted(order) == ["late", "waits"] and counts == (3, 0) and served


def test_a_request_handed_a_slot_leaves_the_queue_at_once():
    """Counted in the queue until it ran again, it made the gate look full to a request arriving meanwhile."""
    async def scenario():
        gate = Gate("encoder", slots=1, queue=1, mean_s=60.0)
        held = await gate.enter(1)
        order: list[str] = []
        waiting = asyncio.ensure_future(queued(gate, order, "waits", 1))
        await settle()
        full = (gate.running, gate.waiting)
        gate.leave(held)
        handed = (gate.running, gate.waiting)  # before the waiting request has run again
        arriving = asyncio.ensure_future(queued(gate, order, "arrives", 1))
        await settle()
        arriving.cancel()
        await settle()
        return full, handed, waiting.done(), order

    full, handed, served, order = in_own_loop(scenario())
    assert full == (1, 1) and handed == (1, 0) and served and order == ["waits"]


def test_a_gate_of_an_unknown_order_is_refused():
    with pytest.raises(ValueError, match="a gate's order is one of cost, arrival, got 'fifo'"):
        Gate("encoder", slots=1, queue=1, order="fifo")
