package dev.cakeday.mail.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An SMTP peer on 127.0.0.1 answering each command from a script, for the replies GreenMail never
 * gives: a refused recipient, a temporary failure, a greeting that never comes. One connection at a
 * time, as the channel opens one per greeting.
 */
final class ScriptedSmtpServer implements AutoCloseable {

    /** The reply to the connection itself, before any command. */
    static final String GREETING = "greeting";

    /** The reply to the end of the message, the line holding only a dot. */
    static final String END_OF_DATA = ".";

    /** Instead of a reply: close the connection. */
    private static final String HANG_UP = "hang up";

    private static final Map<String, String> ACCEPTING =
            Map.of(
                    GREETING,
                    "220 scripted ESMTP",
                    "EHLO",
                    "250 scripted",
                    "HELO",
                    "250 scripted",
                    "MAIL",
                    "250 2.1.0 ok",
                    "RCPT",
                    "250 2.1.5 ok",
                    "DATA",
                    "354 go ahead",
                    END_OF_DATA,
                    "250 2.0.0 queued",
                    "RSET",
                    "250 2.0.0 ok",
                    "NOOP",
                    "250 2.0.0 ok",
                    "QUIT",
                    "221 2.0.0 bye");

    private final ServerSocket server;
    private final Map<String, String> replies;

    private ScriptedSmtpServer(Map<String, String> replies) {
        this.replies = replies;
        try {
            this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread thread = new Thread(this::serve, "scripted-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    /** A server that accepts everything, but answers {@code command} with {@code reply}. */
    static ScriptedSmtpServer answering(String command, String reply) {
        Map<String, String> replies = new HashMap<>(ACCEPTING);
        replies.put(command, reply);
        return new ScriptedSmtpServer(replies);
    }

    /** A server that takes the whole message and then never answers it. */
    static ScriptedSmtpServer silentAfterTheMessage() {
        Map<String, String> replies = new HashMap<>(ACCEPTING);
        replies.remove(END_OF_DATA);
        return new ScriptedSmtpServer(replies);
    }

    /** A server that takes the whole message and then closes the connection without a word. */
    static ScriptedSmtpServer hangingUpAfterTheMessage() {
        Map<String, String> replies = new HashMap<>(ACCEPTING);
        replies.put(END_OF_DATA, HANG_UP);
        return new ScriptedSmtpServer(replies);
    }

    /** A server that accepts connections and never says a word. */
    static ScriptedSmtpServer silent() {
        Map<String, String> replies = new HashMap<>(ACCEPTING);
        replies.remove(GREETING);
        return new ScriptedSmtpServer(replies);
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket client = server.accept()) {
                converse(client);
            } catch (IOException e) {
                // closed, by the client or by close()
            }
        }
    }

    private void converse(Socket client) throws IOException {
        BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        Writer out = new OutputStreamWriter(client.getOutputStream(), StandardCharsets.UTF_8);
        if (!reply(out, GREETING)) {
            // Silent: hold the connection until the client gives up.
            while (in.read() != -1) {}
            return;
        }
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String command = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            reply(out, command);
            if (command.equals("DATA") && replies.get("DATA").startsWith("354")) {
                String data;
                do {
                    data = in.readLine();
                } while (data != null && !data.equals("."));
                if (!replies.containsKey(END_OF_DATA)) {
                    while (in.read() != -1) {}
                    return;
                }
                if (HANG_UP.equals(replies.get(END_OF_DATA))) {
                    return;
                }
                reply(out, END_OF_DATA);
            }
            if (command.equals("QUIT")) {
                return;
            }
        }
    }

    private boolean reply(Writer out, String command) throws IOException {
        String reply = replies.get(command);
        if (reply == null && command.equals(GREETING)) {
            return false;
        }
        out.write((reply == null ? "502 5.5.1 not scripted" : reply) + "\r\n");
        out.flush();
        return true;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing is all that matters
        }
    }
}
