package dev.cakeday.greeting.operator;

import java.util.List;

/** Outcomes per local date, oldest first, up to today (UTC). */
record GreetingsSummary(List<DaySummary> days) {}
