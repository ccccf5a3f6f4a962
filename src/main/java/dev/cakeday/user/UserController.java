package dev.cakeday.user;

import dev.cakeday.config.ApiErrors;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
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
@Tag(name = "Users", description = "Create, read, list, replace and delete users")
@ApiErrors
@RequestMapping(path = "/user", produces = MediaType.APPLICATION_JSON_VALUE)
class UserController {

    static final int MAX_PAGE_SIZE = 500;

    private final UserService users;
    private final GreetingOutlook outlook;

    UserController(UserService users, GreetingOutlook outlook) {
        this.users = users;
        this.outlook = outlook;
    }

    @Operation(
            summary = "Create a user",
            description = "Plans the user's greetings due within the planning window.")
    @ApiResponse(responseCode = "201", description = "Created; Location: /user/{id}")
    @ApiResponse(
            responseCode = "409",
            description = "Another user has this email (ignoring case)",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(
            responseCode = "413",
            description = "Body over 64 KiB",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(
            responseCode = "415",
            description = "Body not sent as application/json",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<UserResponse> create(@RequestBody UserRequest request) {
        User user = users.create(request);
        return ResponseEntity.created(URI.create("/user/" + user.id()))
                .body(UserResponse.of(user, outlook.upcomingOfNew(user)));
    }

    @Operation(
            summary = "Read a user",
            description = "With the next greeting of each of their occasions.")
    @ApiResponse(responseCode = "200", description = "The user")
    @ApiResponse(
            responseCode = "404",
            description = "No such user",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = ProblemDetail.class)))
    @GetMapping("/{id}")
    UserResponse get(@PathVariable UUID id) {
        return outlook.find(id)
                .map(found -> UserResponse.of(found.user(), found.upcoming()))
                .orElseThrow(() -> new UserNotFoundException(id));
    }

    @Operation(
            summary = "List users",
            description =
                    "Ordered by id; pass `next` as `after` for the following page. With `email`, the"
                            + " one user with that address (ignoring case), or none.")
    @ApiResponse(responseCode = "200", description = "One page; `next` is null on the last")
    @GetMapping
    UserPage list(
            @Parameter(description = "Page size, 1 to 500")
                    @RequestParam(defaultValue = "50")
                    @Min(1)
                    @Max(MAX_PAGE_SIZE)
                    int limit,
            @Parameter(description = "The `next` cursor of the previous page")
                    @RequestParam(required = false)
                    UUID after,
            @Parameter(description = "Only the user with this address (ignoring case)")
                    @RequestParam(required = false)
                    String email) {
        if (email != null) {
            return page(users.findByEmail(email).stream().toList(), null);
        }
        List<User> page = users.page(after, limit + 1);
        boolean more = page.size() > limit;
        List<User> shown = page.subList(0, Math.min(limit, page.size()));
        return page(shown, more ? shown.get(shown.size() - 1).id() : null);
    }

    /** These users with their upcoming greetings, and the cursor of the following page. */
    private UserPage page(List<User> shown, UUID next) {
        Map<UUID, List<UpcomingGreeting>> upcoming = outlook.upcoming(shown);
        return new UserPage(
                shown.stream().map(u -> UserResponse.of(u, upcoming.get(u.id()))).toList(), next);
    }

    @Operation(
            summary = "Replace a user",
            description =
                    "Full replacement: omitted optional fields are cleared. "
                            + "A change of an occasion's date or of the zone re-plans that user's pending greetings.")
    @ApiResponse(responseCode = "200", description = "The replaced user")
    @ApiResponse(
            responseCode = "404",
            description = "No such user",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(
            responseCode = "409",
            description = "Another user has this email (ignoring case)",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = ProblemDetail.class)))
    @PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    UserResponse replace(@PathVariable UUID id, @RequestBody UserRequest request) {
        return view(users.replace(id, request));
    }

    @Operation(
            summary = "Delete a user",
            description = "Cancels their pending greetings; the delivery log is kept.")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(
            responseCode = "404",
            description = "No such user",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = ProblemDetail.class)))
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable UUID id) {
        users.delete(id);
    }

    private UserResponse view(User user) {
        return UserResponse.of(user, outlook.upcoming(List.of(user)).get(user.id()));
    }
}
