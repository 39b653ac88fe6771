"""Fault storms: run the package's operators as real Airflow tasks against the Arize emulator while it
injects faults, then count what Arize ended up with. Test and benchmark harness: it lives beside the
package, not in it, so the wheel does not ship it.

* :mod:`.plan`: what a storm creates and triggers, and which faults it injects (:class:`StormPlan`).
* :mod:`.dag`: the storm's DAG, built from a plan (and the DAG file ``dag.test()`` parses).
* :mod:`.census`: the counts (duplicate jobs, windows triggered twice or lost, tasks retried...),
  computed from the run report and the emulator's admin API; no I/O.
* :mod:`.run`: :func:`~.run.run_storm` puts it together against a running emulator and local Snowflake
  (one run, ``dag.test()``, tasks one at a time).
* :mod:`.live`: :func:`~.live.run_concurrent_storm` runs the same DAG as several overlapping runs on a
  real local Airflow (``airflow standalone``), their creates made to race, and counts over all of them
  (duplicates left by a racing create whose answer was lost counted on their own).

Used by ``tests/reliability/test_fault_storm.py`` (small scale) and ``benchmarks/bench_faults.py``
(full scale, and its concurrent phase). Nothing here is imported by the operators.
"""
