package dev.cakeday.support;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Drops the run's database when the test run ends, whatever its outcome. */
public class DropTestDatabase implements LauncherSessionListener {

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        TestDatabase db = TestDatabase.createdOrNull();
        if (db != null) {
            db.drop();
        }
    }
}
