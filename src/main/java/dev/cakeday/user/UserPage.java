package dev.cakeday.user;

import java.util.List;
import java.util.UUID;

/**
 * One page of users ordered by id; {@code next} is the {@code after} cursor of the following page,
 * or null at the end.
 */
record UserPage(List<UserResponse> users, UUID next) {}
