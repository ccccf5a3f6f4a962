import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.ZoneId;
import java.util.SplittableRandom;

/**
 * Synthetic users for the benchmarks. One file, JDK only.
 *
 * <pre>
 * java ops/bench/SyntheticUsers.java csv &lt;count&gt; &lt;file.csv&gt; [seed]   users as CSV, the import's format
 * java ops/bench/SyntheticUsers.java zones                             zone,weight lines (for the SQL loader)
 * </pre>
 *
 * <p>Time zones are drawn in proportion to the people living in them. Birthdays are uniform over the
 * 366 days of a leap year, Feb 29 included; the year is uniform over 1950–2005 (a leap year for Feb 29).
 * Emails are unique. The same seed gives the same file.
 */
public class SyntheticUsers {

    /**
     * People per zone, in millions. Approximate: UN World Population Prospects 2022 estimates per
     * country, split between a country's zones by rough regional shares. About 6.9 billion people in all.
     */
    static final Object[][] ZONES = {
            {"Asia/Kolkata", 1425}, {"Asia/Shanghai", 1412}, {"Asia/Jakarta", 200}, {"Asia/Makassar", 70},
            {"Asia/Jayapura", 8}, {"Asia/Karachi", 235}, {"Africa/Lagos", 218}, {"America/Sao_Paulo", 195},
            {"America/Manaus", 20}, {"Asia/Dhaka", 171}, {"America/New_York", 160}, {"America/Chicago", 115},
            {"America/Denver", 20}, {"America/Phoenix", 7}, {"America/Los_Angeles", 53}, {"America/Anchorage", 1},
            {"Pacific/Honolulu", 1}, {"Europe/Moscow", 110}, {"Asia/Yekaterinburg", 15}, {"Asia/Novosibirsk", 12},
            {"Asia/Vladivostok", 5}, {"America/Mexico_City", 115}, {"America/Tijuana", 4},
            {"Africa/Addis_Ababa", 123}, {"Asia/Tokyo", 124}, {"Asia/Manila", 116}, {"Africa/Cairo", 111},
            {"Africa/Kinshasa", 99}, {"Asia/Ho_Chi_Minh", 98}, {"Asia/Tehran", 89}, {"Europe/Istanbul", 85},
            {"Europe/Berlin", 84}, {"Asia/Bangkok", 72}, {"Europe/London", 67}, {"Europe/Paris", 65},
            {"Africa/Dar_es_Salaam", 65}, {"Africa/Johannesburg", 60}, {"Europe/Rome", 59}, {"Africa/Nairobi", 54},
            {"Asia/Yangon", 54}, {"Asia/Seoul", 52}, {"America/Bogota", 52}, {"Europe/Madrid", 48},
            {"Africa/Khartoum", 47}, {"Africa/Kampala", 47}, {"America/Argentina/Buenos_Aires", 46},
            {"Africa/Algiers", 45}, {"Asia/Baghdad", 44}, {"Asia/Kabul", 41}, {"Europe/Warsaw", 38},
            {"Africa/Casablanca", 37}, {"Asia/Riyadh", 36}, {"Asia/Tashkent", 35}, {"Asia/Kuala_Lumpur", 34},
            {"America/Lima", 34}, {"Asia/Kathmandu", 30}, {"America/Caracas", 28}, {"Asia/Taipei", 24},
            {"Asia/Colombo", 22}, {"America/Toronto", 24}, {"America/Halifax", 2}, {"America/St_Johns", 1},
            {"America/Santiago", 20}, {"Europe/Amsterdam", 18}, {"Australia/Sydney", 16}, {"Australia/Brisbane", 5},
            {"Australia/Perth", 3}, {"Australia/Adelaide", 2}, {"Asia/Hong_Kong", 7}, {"Asia/Singapore", 6},
            {"Pacific/Auckland", 5}, {"UTC", 1},
    };

    private static final String[] FIRST = {"Ada", "Alan", "Grace", "Linus", "Mary", "Amal", "Chen", "Priya", "Kenji",
            "Fatima", "Olu", "Sofia", "Mateo", "Anya", "Noah", "Zainab", "Lucas", "Mei", "Ravi", "Ines"};
    private static final String[] LAST = {"Lovelace", "Turing", "Hopper", "Torvalds", "Shelley", "Clooney", "Wei",
            "Sharma", "Tanaka", "Khan", "Adeyemi", "Rossi", "Garcia", "Ivanova", "Smith", "O'Neil", "Silva",
            "Nguyen", "Patel", "Müller-Lüdenscheidt"};

    public static void main(String[] args) throws IOException {
        if (args.length >= 1 && args[0].equals("zones")) {
            for (Object[] zone : ZONES) {
                ZoneId.of((String) zone[0]); // fails on a name this JDK does not know
                System.out.println(zone[0] + "," + zone[1]);
            }
            return;
        }
        if (args.length < 3 || !args[0].equals("csv")) {
            System.err.println("usage: java SyntheticUsers.java csv <count> <file.csv> [seed] | zones");
            System.exit(2);
        }
        long count = Long.parseLong(args[1]);
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 20261129L;
        writeCsv(count, Path.of(args[2]), new SplittableRandom(seed));
    }

    static void writeCsv(long count, Path file, SplittableRandom random) throws IOException {
        String[] zoneOf = new String[10_000];
        long total = 0;
        for (Object[] zone : ZONES) {
            total += (Integer) zone[1];
        }
        // 10,000 buckets, each zone owning a share in proportion to its people (at least one).
        int bucket = 0;
        long cumulative = 0;
        for (Object[] zone : ZONES) {
            cumulative += (Integer) zone[1];
            int end = (int) Math.max(bucket + 1, Math.round(cumulative * 10_000.0 / total));
            for (; bucket < Math.min(end, zoneOf.length); bucket++) {
                zoneOf[bucket] = (String) zone[0];
            }
        }
        for (; bucket < zoneOf.length; bucket++) {
            zoneOf[bucket] = (String) ZONES[ZONES.length - 1][0];
        }
        MonthDay[] days = new MonthDay[366];
        for (int i = 0; i < 366; i++) {
            days[i] = MonthDay.from(LocalDate.of(2000, 1, 1).plusDays(i));
        }
        MonthDay leapDay = MonthDay.of(2, 29);
        try (Writer out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 20)) {
            out.write("firstName,lastName,email,birthday,timezone\n");
            StringBuilder line = new StringBuilder(128);
            for (long n = 1; n <= count; n++) {
                String first = FIRST[random.nextInt(FIRST.length)];
                String last = LAST[random.nextInt(LAST.length)];
                MonthDay day = days[random.nextInt(366)];
                int year = day.equals(leapDay) ? 1952 + 4 * random.nextInt(14) : 1950 + random.nextInt(56);
                line.setLength(0);
                line.append(first).append(',').append(last).append(',')
                        .append(first.toLowerCase()).append('.').append(n).append("@bench.example").append(',')
                        .append(day.atYear(year)).append(',')
                        .append(zoneOf[random.nextInt(zoneOf.length)]).append('\n');
                out.append(line);
            }
        }
    }
}
