package io.cardroutes.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the fault lists of the {@code enkash.sandbox.create-faults} and {@code search-faults}
 * properties: comma-separated entries {@code name[:argument[:argument]]}. A message (refusal,
 * error envelope) runs to the next comma, so it cannot hold one.
 */
final class FaultList {

    static final String CREATE_SYNTAX = "answer-lost:<status>, unreadable, truncated, no-card-id, status:<status>, "
            + "status:<status>:<retry-after-s>, stall:<ms>, stall-before-create:<ms>, slow-create:<ms>, refusal:<message>, "
            + "error-envelope[:<message>]";
    static final String SEARCH_SYNTAX = "error-envelope[:<message>], partial:<listed>, status:<status>, "
            + "status:<status>:<retry-after-s>, unreadable, truncated";
    static final String DEFAULT_ERROR_MESSAGE = "Unable to process the request";

    private FaultList() {
    }

    static List<Fault> parse(String list, boolean search) {
        List<Fault> faults = new ArrayList<>();
        if (list == null || list.isBlank()) {
            return faults;
        }
        for (String entry : list.split(",")) {
            if (!entry.isBlank()) {
                faults.add(entry(entry.trim(), search));
            }
        }
        return faults;
    }

    private static Fault entry(String entry, boolean search) {
        try {
            return FaultQueue.check(read(entry), search);
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException("bad " + (search ? "search" : "Create") + " fault '" + entry + "': "
                    + bad.getMessage() + "; expected one of: " + (search ? SEARCH_SYNTAX : CREATE_SYNTAX), bad);
        }
    }

    private static Fault read(String entry) {
        int colon = entry.indexOf(':');
        String name = (colon < 0 ? entry : entry.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        String argument = colon < 0 ? null : entry.substring(colon + 1).trim();
        return switch (name) {
            case "unreadable" -> noArgument(argument, Fault.unreadableAnswer());
            case "truncated" -> noArgument(argument, Fault.truncatedAnswer());
            case "no-card-id" -> noArgument(argument, Fault.successWithoutCardId());
            case "answer-lost" -> Fault.answerLost(number(argument, "status"));
            case "stall" -> Fault.stall(number(argument, "milliseconds"));
            case "stall-before-create" -> Fault.stallBeforeCreate(number(argument, "milliseconds"));
            case "slow-create" -> Fault.slowCreate(number(argument, "milliseconds"));
            case "partial" -> Fault.partialListing(number(argument, "number of cards listed"));
            case "refusal" -> Fault.businessRefusal(message(argument, null));
            case "error-envelope" -> Fault.errorEnvelope(message(argument, DEFAULT_ERROR_MESSAGE));
            case "status" -> status(argument);
            default -> throw new IllegalArgumentException("unknown fault '" + name + "'");
        };
    }

    private static Fault status(String argument) {
        if (argument == null) {
            throw new IllegalArgumentException("status needs an HTTP status");
        }
        int colon = argument.indexOf(':');
        if (colon < 0) {
            return Fault.status(number(argument, "status"));
        }
        return Fault.status(number(argument.substring(0, colon), "status"),
                number(argument.substring(colon + 1), "Retry-After seconds"));
    }

    private static Fault noArgument(String argument, Fault fault) {
        if (argument != null) {
            throw new IllegalArgumentException("takes no argument");
        }
        return fault;
    }

    private static int number(String argument, String what) {
        if (argument == null || argument.isBlank()) {
            throw new IllegalArgumentException(what + " missing");
        }
        try {
            return Integer.parseInt(argument.trim());
        } catch (NumberFormatException notNumber) {
            throw new IllegalArgumentException(what + " '" + argument.trim() + "' is not a whole number");
        }
    }

    private static String message(String argument, String fallback) {
        if (argument != null && !argument.isEmpty()) {
            return argument;
        }
        if (fallback == null) {
            throw new IllegalArgumentException("message missing");
        }
        return fallback;
    }
}
