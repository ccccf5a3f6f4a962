package dev.cakeday.greeting.delivery;

/**
 * The delivery log's state machine: every change a greeting's entry may take, and nothing else.
 *
 * <pre>
 *   (none) ──ATTEMPT──► SENDING #1 ──ATTEMPT──► SENDING #2 ──► …       RETRY: SENDING #n stays, with next_attempt_at
 *                           │  attempt #n's outcome:
 *                           ├──DELIVERED──► SENT
 *                           ├──REJECTED───► FAILED
 *                           └──GAVE_UP────► EXPIRED      (still failing at max-lateness)
 *   (none) or SENDING #n, before attempt #n+1:
 *                           ├──SKIPPED────► SKIPPED      (user gone, date changed, not owed)
 *                           └──EXPIRED────► EXPIRED      (found past max-lateness, or its handler kept failing)
 *   FAILED or EXPIRED #n ──REOPENED──► SENDING #n+1, with next_attempt_at now   (an operator's retry)
 * </pre>
 *
 * SENT, FAILED, EXPIRED and SKIPPED are final: no delivery changes them. Only an operator re-opens
 * a FAILED or EXPIRED greeting ({@link GreetingRetry}): it becomes SENDING under a new attempt
 * number #n+1 with no call made, as if that attempt had planned a retry, so that a late write of
 * attempt #n changes nothing. The next call is #n+2, under the same Idempotency-Key, and the
 * greeting's max-lateness window starts again at the request. Every write names the attempt it
 * belongs to (0: before the first) and changes the entry only while it is still SENDING at that
 * attempt, or absent for 0. So an instance declared dead while it was merely slow can never
 * overwrite what the attempt after it recorded: not its retry time, and not a SENT with a FAILED.
 * One exception, on purpose: DELIVERED applies to whichever attempt is open, since the provider
 * took the mail whichever attempt carried it; a newer attempt's planned retry then sends nothing. A
 * handler whose write changed nothing re-reads the entry: finished, its row goes; still SENDING
 * under another attempt, its row stays and is looked at again after a pause. {@link
 * GreetingLogRepository} carries out each transition; the planner applies two in bulk, where no row
 * and no attempt can be under way: EXPIRED for greetings that fell due while no instance ran
 * ({@code GreetingPlanner.EXPIRE_UNPLANNED}, from none), and SKIPPED for a greeting whose retry was
 * cancelled by a user write ({@code GreetingPlanner.SKIP_ABANDONED}, from SENDING).
 */
public enum GreetingTransition {
    ATTEMPT(GreetingStatus.SENDING),
    RETRY(GreetingStatus.SENDING),
    DELIVERED(GreetingStatus.SENT),
    REJECTED(GreetingStatus.FAILED),
    GAVE_UP(GreetingStatus.EXPIRED),
    SKIPPED(GreetingStatus.SKIPPED),
    EXPIRED(GreetingStatus.EXPIRED),
    REOPENED(GreetingStatus.SENDING);

    private final GreetingStatus to;

    GreetingTransition(GreetingStatus to) {
        this.to = to;
    }

    GreetingStatus to() {
        return to;
    }

    /**
     * Whether this transition ends the greeting with a final status other than SENT, with a reason.
     */
    boolean closes() {
        return this == REJECTED || this == GAVE_UP || this == SKIPPED || this == EXPIRED;
    }
}
