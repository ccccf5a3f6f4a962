package dev.cakeday.greeting.operator;

import java.util.List;

/**
 * One page of the delivery log, newest first; {@code next} is the {@code after} cursor of the
 * following page (the last greeting's id), or null at the end.
 */
record LoggedGreetingPage(List<LoggedGreeting> greetings, String next) {}
