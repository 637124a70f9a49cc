package com.imageserving.fetch;

import com.imageserving.config.FetchSettings.Strategy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Picks the proxy for each attempt (API.md §6). A proxy is available when its circuit breaker
 * grants a permission. Only the proxy actually chosen is asked: asking is what turns an expired
 * blacklisting into the single half-open trial, so asking a proxy that is then not used would waste
 * that trial and leave the proxy stuck.
 */
final class ProxyPool {

  private final String name;
  private final List<ProxyRoute> routes;
  private final Strategy strategy;
  private final RandomGenerator random;
  private int next;

  ProxyPool(String name, List<ProxyRoute> routes, Strategy strategy, RandomGenerator random) {
    this.name = name;
    this.routes = List.copyOf(routes);
    this.strategy = strategy;
    this.random = random;
  }

  String name() {
    return name;
  }

  List<ProxyRoute> routes() {
    return routes;
  }

  /**
   * The next available proxy, already holding its breaker's permission (the caller must report
   * success or error, or release it); null when every proxy is blacklisted.
   */
  @Nullable ProxyRoute acquire() {
    return strategy == Strategy.RANDOM ? acquireRandom() : acquireRoundRobin();
  }

  /** Cycles from where the last pick left off, skipping proxies that refuse a permission. */
  private synchronized @Nullable ProxyRoute acquireRoundRobin() {
    int size = routes.size();
    for (int i = 0; i < size; i++) {
      int index = (next + i) % size;
      ProxyRoute route = routes.get(index);
      if (route.breaker().tryAcquirePermission()) {
        next = (index + 1) % size;
        return route;
      }
    }
    return null;
  }

  /**
   * Tries the proxies in a random order; the first that grants a permission is uniformly
   * distributed among those that would.
   */
  private @Nullable ProxyRoute acquireRandom() {
    List<ProxyRoute> order = new ArrayList<>(routes);
    Collections.shuffle(order, random);
    for (ProxyRoute route : order) {
      if (route.breaker().tryAcquirePermission()) {
        return route;
      }
    }
    return null;
  }
}
