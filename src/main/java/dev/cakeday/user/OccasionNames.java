package dev.cakeday.user;

import java.util.Set;

/** The occasions users are greeted on, by name: what {@code optOut} may list. */
public interface OccasionNames {

    Set<String> names();
}
