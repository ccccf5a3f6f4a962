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
import dev.cakeday.user.UserOutlook;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private final UserOutlookRepository userOutlooks;
    private final GreetingLogRepository greetingLog;
    private final GreetingCalendar calendar;
    private final SendInstant sendInstant;
    private final Clock clock;

    GreetingOutlookService(
            OccasionRegistry occasions,
            UserOccasionRepository userOccasions,
            UserOutlookRepository userOutlooks,
            GreetingLogRepository greetingLog,
            GreetingCalendar calendar,
            SendInstant sendInstant,
            Clock clock) {
        this.occasions = occasions;
        this.userOccasions = userOccasions;
        this.userOutlooks = userOutlooks;
        this.greetingLog = greetingLog;
        this.calendar = calendar;
        this.sendInstant = sendInstant;
        this.clock = clock;
    }

    private record Candidate(GreetingId id, Instant sendAt) {

        UpcomingGreeting upcoming() {
            return new UpcomingGreeting(id.occasion(), id.date(), sendAt);
        }
    }

    @Override
    public Map<UUID, List<UpcomingGreeting>> upcoming(Collection<User> users) {
        Instant now = clock.instant();
        Map<UUID, Map<String, OwedSince>> owed =
                userOccasions.find(users.stream().map(User::id).toList());
        Map<UUID, List<List<Candidate>>> candidates = new HashMap<>();
        for (User user : users) {
            candidates.put(
                    user.id(), candidates(user, owed.getOrDefault(user.id(), Map.of()), now));
        }
        Set<String> done =
                greetingLog.finalAmong(
                        candidates.values().stream()
                                .flatMap(List::stream)
                                .flatMap(List::stream)
                                .map(Candidate::id)
                                .toList());
        Map<UUID, List<UpcomingGreeting>> upcoming = new HashMap<>();
        for (User user : users) {
            upcoming.put(user.id(), next(candidates.get(user.id()), done));
        }
        return upcoming;
    }

    /**
     * The log is read for the user's greetings dated from two years before this UTC year to three
     * after it: every candidate lies in the years from last year to two years ahead in the user's
     * zone, whose year is at most one off the UTC year.
     */
    @Override
    public Optional<UserOutlook> find(UUID userId) {
        Instant now = clock.instant();
        int year = LocalDate.ofInstant(now, ZoneOffset.UTC).getYear();
        return userOutlooks
                .find(
                        userId,
                        occasions.names(),
                        LocalDate.of(year - 2, 1, 1),
                        LocalDate.of(year + 3, 12, 31))
                .map(
                        facts ->
                                new UserOutlook(
                                        facts.user(),
                                        next(
                                                candidates(facts.user(), facts.owed(), now),
                                                facts.finished())));
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
                                            .ifPresent(c -> upcoming.add(c.upcoming())));
        }
        return upcoming;
    }

    /** Per occasion the user has and is owed greetings of, its candidates. */
    private List<List<Candidate>> candidates(User user, Map<String, OwedSince> owed, Instant now) {
        List<List<Candidate>> perOccasion = new ArrayList<>();
        for (Occasion occasion : occasions.all()) {
            OwedSince since = owed.get(occasion.name());
            occasion.dateOf(user)
                    .filter(date -> since != null)
                    .ifPresent(
                            date -> perOccasion.add(candidates(user, occasion, date, since, now)));
        }
        return perOccasion;
    }

    /** Per occasion, the first candidate without a final status in the log. */
    private static List<UpcomingGreeting> next(
            List<List<Candidate>> perOccasion, Set<String> done) {
        return perOccasion.stream()
                .flatMap(
                        candidates ->
                                candidates.stream()
                                        .filter(c -> !done.contains(c.id().toString()))
                                        .limit(1))
                .map(Candidate::upcoming)
                .toList();
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
