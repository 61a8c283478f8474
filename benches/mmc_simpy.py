"""The M/M/c queue of `examples/mmc.rs`, written the usual way in SimPy.

Same inputs, same warm-up rule (the first 10 % of customers are not
measured), same JSON line. Used by `mmc_vs_simpy.sh` to compare speed.
"""

import argparse
import json
import random
import time

import simpy


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--arrival-rate", type=float, required=True)
    p.add_argument("--service-rate", type=float, required=True)
    p.add_argument("--servers", type=int, required=True)
    p.add_argument("--customers", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    arrivals = random.Random(a.seed)
    services = random.Random(a.seed + 1)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=a.servers)
    warm_up = a.customers // 10
    stats = {"measured": 0, "total_wait": 0.0}

    def customer(index: int):
        arrived = env.now
        with servers.request() as req:
            yield req
            if index >= warm_up:
                stats["measured"] += 1
                stats["total_wait"] += env.now - arrived
            yield env.timeout(services.expovariate(a.service_rate))

    def source():
        for index in range(a.customers):
            env.process(customer(index))
            if index + 1 < a.customers:
                yield env.timeout(arrivals.expovariate(a.arrival_rate))

    started = time.perf_counter()
    env.process(source())
    env.run()
    print(json.dumps({
        "mean_wait": stats["total_wait"] / stats["measured"],
        "customers": a.customers,
        "measured": stats["measured"],
        "wall_secs": time.perf_counter() - started,
    }))


if __name__ == "__main__":
    main()
