package dev.cakeday.user;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/user", produces = MediaType.APPLICATION_JSON_VALUE)
class UserController {

    static final int MAX_PAGE_SIZE = 500;

    private final UserService users;
    private final GreetingOutlook outlook;

    UserController(UserService users, GreetingOutlook outlook) {
        this.users = users;
        this.outlook = outlook;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<UserResponse> create(@RequestBody UserRequest request) {
        User user = users.create(request);
        return ResponseEntity.created(URI.create("/user/" + user.id())).body(view(user));
    }

    @GetMapping("/{id}")
    UserResponse get(@PathVariable UUID id) {
        return view(users.get(id));
    }

    @GetMapping
    UserPage list(
            @RequestParam(defaultValue = "50") @Min(1) @Max(MAX_PAGE_SIZE) int limit,
            @RequestParam(required = false) UUID after) {
        List<User> page = users.page(after, limit + 1);
        boolean more = page.size() > limit;
        List<User> shown = page.subList(0, Math.min(limit, page.size()));
        Map<UUID, List<UpcomingGreeting>> upcoming = outlook.upcoming(shown);
        return new UserPage(shown.stream().map(u -> UserResponse.of(u, upcoming.get(u.id()))).toList(),
                more ? shown.get(shown.size() - 1).id() : null);
    }

    @PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    UserResponse replace(@PathVariable UUID id, @RequestBody UserRequest request) {
        return view(users.replace(id, request));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable UUID id) {
        users.delete(id);
    }

    private UserResponse view(User user) {
        return UserResponse.of(user, outlook.upcoming(List.of(user)).get(user.id()));
    }
}
