package dev.cakeday.greeting.planning;

import com.github.kagkarlsson.scheduler.Scheduler;
import dev.cakeday.greeting.GreetingId;
import dev.cakeday.greeting.calendar.GreetingCalendar;
import dev.cakeday.greeting.occasion.Occasion;
import dev.cakeday.greeting.occasion.OccasionRegistry;
import dev.cakeday.user.User;
import dev.cakeday.user.UserEvents;
import java.time.Instant;
import java.time.LocalDate;
import java.time.MonthDay;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Keeps a user's greetings in step with their data, inside the transaction of the user write: a new
 * user's greetings in the window are planned, a change of date or zone replaces the pending ones, a
 * deletion cancels them. Rows already picked by an instance are left to finish; their handler
 * re-checks the user.
 */
@Component
class UserGreetingSync {

    private final OccasionRegistry occasions;
    private final UserOccasionRepository userOccasions;
    private final GreetingPlanner planner;
    private final GreetingCalendar calendar;
    private final ObjectProvider<Scheduler> scheduler;

    UserGreetingSync(
            OccasionRegistry occasions,
            UserOccasionRepository userOccasions,
            GreetingPlanner planner,
            GreetingCalendar calendar,
            ObjectProvider<Scheduler> scheduler) {
        this.occasions = occasions;
        this.userOccasions = userOccasions;
        this.planner = planner;
        this.calendar = calendar;
        this.scheduler = scheduler;
    }

    /** One statement saves the new user's occasions and plans their greetings. */
    @EventListener
    void created(UserEvents.Created event) {
        User user = event.user();
        Map<String, LocalDate> dates = new LinkedHashMap<>();
        for (Occasion occasion : occasions.all()) {
            greeted(user, occasion).ifPresent(date -> dates.put(occasion.name(), date));
        }
        checkForDue(planner.planNewUser(user.id(), user.timezone(), dates, event.at()), event.at());
    }

    /**
     * Only the occasions whose month-day, zone or opt-out changed are re-planned (a corrected birth
     * year changes no greeting); the others keep their rows, retries included. An occasion opted
     * out of loses its rows and its user_occasions row; one opted back into is owed from now on.
     */
    @EventListener
    void replaced(UserEvents.Replaced event) {
        User before = event.before();
        User after = event.after();
        boolean zoneChanged = !before.timezone().equals(after.timezone());
        List<String> changed = new ArrayList<>();
        List<GreetingId> replaced = new ArrayList<>();
        List<GreetingId> optedOut = new ArrayList<>();
        for (Occasion occasion : occasions.all()) {
            Optional<LocalDate> oldDate = greeted(before, occasion);
            Optional<LocalDate> newDate = greeted(after, occasion);
            if (!zoneChanged
                    && Objects.equals(oldDate.map(MonthDay::from), newDate.map(MonthDay::from))) {
                continue;
            }
            changed.add(occasion.name());
            (after.optedOutOf(occasion.name()) ? optedOut : replaced)
                    .addAll(calendar.idsAround(before, occasion, event.at()));
            newDate.ifPresentOrElse(
                    date ->
                            userOccasions.save(
                                    after.id(),
                                    occasion.name(),
                                    date,
                                    after.timezone(),
                                    event.at()),
                    () -> userOccasions.delete(after.id(), occasion.name()));
        }
        if (changed.isEmpty()) {
            return;
        }
        planner.cancel(replaced);
        planner.cancel(optedOut);
        plan(after, changed, event.at());
        planner.closeAbandoned(
                replaced,
                "replaced: the user changed this occasion's date or their time zone",
                event.at());
        planner.closeAbandoned(optedOut, "opted out", event.at());
    }

    /** The user's date of the occasion, unless they opted out of it. */
    private static Optional<LocalDate> greeted(User user, Occasion occasion) {
        return user.optedOutOf(occasion.name()) ? Optional.empty() : occasion.dateOf(user);
    }

    /**
     * A bulk import: the new users' occasions are added set-based, then one planning run plans them
     * all. Each table it filled is analysed once filled, inside the import's transaction, so that
     * the planning and every query after the commit are planned on statistics.
     */
    @EventListener
    void imported(UserEvents.Imported event) {
        if (event.count() == 0) {
            return;
        }
        for (Occasion occasion : occasions.all()) {
            userOccasions.saveImported(occasion, event.at(), GreetingPlanner.ALL_ZONES);
        }
        userOccasions.analyze();
        planner.planAll(event.at());
        planner.analyzePlanned();
        checkForDueAfterCommit();
    }

    @EventListener
    void deleted(UserEvents.Deleted event) {
        User user = event.user();
        List<GreetingId> pending = new ArrayList<>();
        for (Occasion occasion : occasions.all()) {
            pending.addAll(calendar.idsAround(user, occasion, event.at()));
        }
        planner.cancel(pending);
        planner.closeAbandoned(pending, "cancelled: the user was deleted", event.at());
    }

    private void plan(User user, List<String> occasionNames, Instant now) {
        checkForDue(planner.planUser(user.id(), user.timezone(), occasionNames, now), now);
    }

    /**
     * A greeting planned due already (owed at once on the day) goes out right after the commit
     * instead of waiting for the next poll.
     */
    private void checkForDue(List<Instant> planned, Instant now) {
        if (planned.stream().anyMatch(at -> !at.isAfter(now))) {
            checkForDueAfterCommit();
        }
    }

    private void checkForDueAfterCommit() {
        TransactionSynchronizationManager.registerSynchronization(
                new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        scheduler.ifAvailable(Scheduler::triggerCheckForDueExecutions);
                    }
                });
    }
}
