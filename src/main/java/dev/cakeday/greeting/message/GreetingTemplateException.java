package dev.cakeday.greeting.message;

/** A template that cannot be used: where it is, its key, and what is wrong. Stops the start-up. */
public class GreetingTemplateException extends RuntimeException {

    GreetingTemplateException(String source, String key, String problem) {
        super(
                "Greeting template "
                        + (key == null ? "" : key + " ")
                        + "in "
                        + source
                        + ": "
                        + problem);
    }
}
