package dev.cakeday.greeting.planning;

import dev.cakeday.greeting.GreetingId;
import dev.cakeday.greeting.calendar.GreetingCalendar;
import dev.cakeday.greeting.calendar.OwedSince;
import dev.cakeday.greeting.calendar.SendInstant;
import dev.cakeday.greeting.delivery.GreetingLogRepository;
import dev.cakeday.greeting.occasion.Occasion;
import dev.cakeday.greeting.occasion.OccasionRegistry;
import dev.cakeday.user.GreetingOutlook;
import dev.cakeday.user.UpcomingGreeting;
import dev.cakeday.user.User;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * The next greeting of each occasion not yet in a final state, whether or not it is inside the
 * planning window yet. Computed with the same {@link SendInstant} as the planner, so that when its
 * row exists, {@code execution_time} equals {@code sendAt}.
 */
@Service
class GreetingOutlookService implements GreetingOutlook {

    private final OccasionRegistry occasions;
    private final UserOccasionRepository userOccasions;
    private final GreetingLogRepository greetingLog;
    private final GreetingCalendar calendar;
    private final SendInstant sendInstant;
    private final Clock clock;

    GreetingOutlookService(
            OccasionRegistry occasions,
            UserOccasionRepository userOccasions,
            GreetingLogRepository greetingLog,
            GreetingCalendar calendar,
            SendInstant sendInstant,
            Clock clock) {
        this.occasions = occasions;
        this.userOccasions = userOccasions;
        this.greetingLog = greetingLog;
        this.calendar = calendar;
        this.sendInstant = sendInstant;
        this.clock = clock;
    }

    private record Candidate(GreetingId id, Instant sendAt) {}

    @Override
    public Map<UUID, List<UpcomingGreeting>> upcoming(Collection<User> users) {
        Instant now = clock.instant();
        Map<UUID, Map<String, OwedSince>> owed =
                userOccasions.find(users.stream().map(User::id).toList());
        Map<UUID, List<List<Candidate>>> candidates = new HashMap<>();
        List<GreetingId> allIds = new ArrayList<>();
        for (User user : users) {
            List<List<Candidate>> perOccasion = new ArrayList<>();
            for (Occasion occasion : occasions.all()) {
                OwedSince since = owed.getOrDefault(user.id(), Map.of()).get(occasion.name());
                occasion.dateOf(user)
                        .filter(date -> since != null)
                        .ifPresent(
                                date -> {
                                    List<Candidate> list =
                                            candidates(user, occasion, date, since, now);
                                    list.forEach(c -> allIds.add(c.id()));
                                    perOccasion.add(list);
                                });
            }
            candidates.put(user.id(), perOccasion);
        }
        Set<String> done = greetingLog.finalAmong(allIds);
        Map<UUID, List<UpcomingGreeting>> upcoming = new HashMap<>();
        for (User user : users) {
            upcoming.put(
                    user.id(),
                    candidates.get(user.id()).stream()
                            .flatMap(
                                    list ->
                                            list.stream()
                                                    .filter(c -> !done.contains(c.id().toString()))
                                                    .limit(1))
                            .map(
                                    c ->
                                            new UpcomingGreeting(
                                                    c.id().occasion(), c.id().date(), c.sendAt()))
                            .toList());
        }
        return upcoming;
    }

    @Override
    public List<UpcomingGreeting> upcomingOfNew(User user) {
        Instant now = clock.instant();
        OwedSince owed = OwedSince.at(user.createdAt(), user.timezone());
        List<UpcomingGreeting> upcoming = new ArrayList<>();
        for (Occasion occasion : occasions.all()) {
            occasion.dateOf(user)
                    .ifPresent(
                            date ->
                                    candidates(user, occasion, date, owed, now).stream()
                                            .findFirst()
                                            .ifPresent(
                                                    c ->
                                                            upcoming.add(
                                                                    new UpcomingGreeting(
                                                                            c.id().occasion(),
                                                                            c.id().date(),
                                                                            c.sendAt()))));
        }
        return upcoming;
    }

    /**
     * The greetings of one occasion that could still go out, earliest first: owed, and not past
     * max-lateness. The years from last year to two years ahead hold at least one.
     */
    private List<Candidate> candidates(
            User user, Occasion occasion, LocalDate date, OwedSince owed, Instant now) {
        int thisYear = LocalDate.ofInstant(now, user.timezone()).getYear();
        List<Candidate> list = new ArrayList<>();
        for (int year = thisYear - 1; year <= thisYear + 2; year++) {
            LocalDate greetingDate = calendar.greetingDate(date, year);
            if (!owed.owes(greetingDate)) {
                continue;
            }
            Instant sendAt = sendInstant.owed(greetingDate, user.timezone(), owed.since());
            if (!calendar.expired(sendAt, now)) {
                list.add(
                        new Candidate(
                                new GreetingId(user.id(), occasion.name(), greetingDate), sendAt));
            }
        }
        return list;
    }
}
