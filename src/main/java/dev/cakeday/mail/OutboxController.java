package dev.cakeday.mail;

import dev.cakeday.config.ApiErrors;
import dev.cakeday.mail.OutboxChannel.OutboxMessage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What the {@code outbox} channel would have sent; absent with any other channel. */
@RestController
@ConditionalOnProperty(name = "cakeday.mail.provider", havingValue = "outbox")
@Tag(
        name = "Outbox",
        description = "Greetings the outbox channel took (cakeday.mail.provider=outbox)")
@ApiErrors
@RequestMapping(path = "/outbox", produces = MediaType.APPLICATION_JSON_VALUE)
class OutboxController {

    private final OutboxChannel outbox;

    OutboxController(OutboxChannel outbox) {
        this.outbox = outbox;
    }

    @Operation(
            summary = "Greetings sent to the outbox",
            description = "Newest first; the instance keeps the latest 1,000 in memory.")
    @GetMapping
    List<OutboxMessage> latest(
            @Parameter(description = "How many, 1 to 1000")
                    @RequestParam(defaultValue = "100")
                    @Min(1)
                    @Max(OutboxChannel.KEPT)
                    int limit) {
        return outbox.latest(limit);
    }
}
