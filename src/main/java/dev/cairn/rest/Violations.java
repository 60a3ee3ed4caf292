package dev.cairn.rest;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.cairn.rest.model.Violation;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import java.math.BigDecimal;
import java.net.URI;
import java.math.BigInteger;
import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What was wrong with a request, field by field: each Bean Validation violation or Jackson binding
 * failure as a {@link Violation} naming the field (a JSON path in the body, or a parameter's name),
 * the contract's rule it broke and the value received. Stateless.
 */
final class Violations {
    /** Values longer than this are cut in answers: the client sent them, it needs only to recognise them. */
    private static final int MAX_VALUE_CHARS = 120;
    private static final Pattern SCALAR = Pattern.compile("(String|Integer|Floating-point|Boolean) value \\((\"(.*)\"|[^)]*)\\)");
    private static final Pattern UNEXPECTED = Pattern.compile("Unexpected value '(.*)'");
    private static final Pattern TOKEN = Pattern.compile("token `JsonToken\\.(\\w+)`");

    private Violations() {}

    /** One violation of a constraint the generated interfaces and models carry (from the contract). */
    static Violation of(ConstraintViolation<?> v) {
        String field = field(v.getPropertyPath());
        String rule = rule(v);
        Object value = shown(v.getInvalidValue());
        return new Violation(field, rule, field + ": " + allowed(rule, v) + got(rule, v.getInvalidValue())).value(value);
    }

    /** What the rule allows, in the contract's terms (the validator's own text for rules Cairn does not name). */
    private static String allowed(String rule, ConstraintViolation<?> v) {
        Map<String, Object> a = v.getConstraintDescriptor().getAttributes();
        return switch (rule) {
            case "required" -> "required, may not be null";
            case "minimum" -> "must be at least " + a.get("value");
            case "maximum" -> "must be at most " + a.get("value");
            case "minLength", "maxLength" -> "must be " + a.get("min") + " to " + a.get("max") + " characters";
            case "minItems", "maxItems" -> "must have " + a.get("min") + " to " + a.get("max") + " items";
            case "pattern" -> "must match " + a.get("regexp");
            default -> v.getMessage();
        };
    }

    /** The value received, as the message shows it: a length for a length rule. */
    private static String got(String rule, Object value) {
        return switch (rule) {
            case "required" -> "";
            case "minLength", "maxLength" -> value instanceof CharSequence s ? ", got " + s.length() : "";
            case "minItems", "maxItems" -> value instanceof Collection<?> c ? ", got " + c.size()
                    : value instanceof Map<?, ?> m ? ", got " + m.size() : "";
            default -> ", got " + describe(shown(value));
        };
    }

    /** Whether the violation is of a value the endpoint returned (a server bug, not the request's fault). */
    static boolean ofReturnValue(ConstraintViolation<?> v) {
        for (Path.Node node : v.getPropertyPath()) {
            if (node.getKind() == ElementKind.RETURN_VALUE) {
                return true;
            }
        }
        return false;
    }

    /**
     * A request body that JSON binding refused: a value of the wrong type, a property the schema does
     * not have, a required property missing.
     */
    static Violation of(MismatchedInputException e) {
        String field = field(e.getPath());
        if (e instanceof UnrecognizedPropertyException u) {
            String owner = u.getReferringClass() != null ? u.getReferringClass().getSimpleName() : "the body";
            String allowed = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream().map(String::valueOf)
                    .sorted().collect(Collectors.joining(", ", " (allowed: ", ")"));
            return new Violation(field, "additionalProperties", field + ": not a property of " + owner + allowed);
        }
        String text = e.getOriginalMessage() != null ? e.getOriginalMessage() : "";
        if (text.startsWith("Missing required creator property")) {
            return new Violation(field, "required", field + ": required, missing");
        }
        return mismatch(field, e.getTargetType(), e instanceof InvalidFormatException f ? new Received(shown(f.getValue()), null)
                : received(text));
    }

    /** A value a generated enum (or another creator) refused, such as {@code "jurisdiction": "mars"}. */
    static Violation of(ValueInstantiationException e) {
        return mismatch(field(e.getPath()), e.getType() != null ? e.getType().getRawClass() : null,
                received(e.getOriginalMessage() != null ? e.getOriginalMessage() : ""));
    }

    /** What a request held where binding failed: a scalar's value, or the kind of a structure ("an object"). */
    private record Received(Object value, String kind) {
        String describe() {
            return kind != null ? kind : Violations.describe(value);
        }
    }

    private static Violation mismatch(String field, Class<?> target, Received got) {
        if (target != null && target.isEnum()) {
            String values = Arrays.stream(target.getEnumConstants()).map(String::valueOf).collect(Collectors.joining(", "));
            return new Violation(field, "enum", field + ": expected one of " + values + ", got " + got.describe()).value(got.value());
        }
        boolean format = target != null && (Temporal.class.isAssignableFrom(target) || target == URI.class
                || target == UUID.class);
        return new Violation(field, format ? "format" : "type", field + ": expected " + expected(target) + ", got "
                + got.describe()).value(got.value());
    }

    /**
     * The value received, read from Jackson's message: by the time the failure is mapped its parser is
     * closed, and only the message still says what it stood on ({@code String value ("7")},
     * {@code token `JsonToken.VALUE_TRUE`}).
     */
    private static Received received(String message) {
        Matcher scalar = SCALAR.matcher(message);
        if (scalar.find()) {
            if (scalar.group(3) != null) {
                return new Received(shown(scalar.group(3)), null);
            }
            String raw = scalar.group(2);
            return switch (scalar.group(1)) {
                case "Boolean" -> new Received(raw.equals("true") || raw.contains("VALUE_TRUE"), null);
                case "Integer", "Floating-point" -> new Received(number(raw), null);
                default -> new Received(raw, null);
            };
        }
        Matcher unexpected = UNEXPECTED.matcher(message); // a generated enum's own refusal
        if (unexpected.find()) {
            return new Received(shown(unexpected.group(1)), null);
        }
        Matcher token = TOKEN.matcher(message);
        if (token.find()) {
            return switch (token.group(1)) {
                case "VALUE_TRUE" -> new Received(true, null);
                case "VALUE_FALSE" -> new Received(false, null);
                case "VALUE_NULL" -> new Received(null, "null");
                case "START_OBJECT" -> new Received(null, "an object");
                case "START_ARRAY" -> new Received(null, "an array");
                default -> new Received(null, "another type");
            };
        }
        return new Received(null, "another type");
    }

    private static Object number(String raw) {
        try {
            return raw.contains(".") || raw.contains("e") || raw.contains("E") ? new BigDecimal(raw) : Long.valueOf(raw);
        } catch (NumberFormatException e) {
            return raw;
        }
    }

    private static String expected(Class<?> target) {
        if (target == null) {
            return "another type";
        }
        if (target == Long.class || target == long.class || target == Integer.class || target == int.class
                || target == Short.class || target == short.class || target == BigInteger.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(target) || target == double.class || target == float.class || target == BigDecimal.class) {
            return "a number";
        }
        if (CharSequence.class.isAssignableFrom(target)) {
            return "a string";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "true or false";
        }
        if (Collection.class.isAssignableFrom(target) || target.isArray()) {
            return "an array";
        }
        if (Temporal.class.isAssignableFrom(target)) {
            return "a date-time such as 2030-01-31T09:00:00Z";
        }
        if (target == URI.class) {
            return "a URI";
        }
        return "an object";
    }

    /** The contract's name for the rule a constraint annotation stands for. */
    private static String rule(ConstraintViolation<?> v) {
        var annotation = v.getConstraintDescriptor().getAnnotation();
        return switch (annotation.annotationType().getSimpleName()) {
            case "NotNull" -> "required";
            case "Min", "DecimalMin" -> "minimum";
            case "Max", "DecimalMax" -> "maximum";
            case "Pattern" -> "pattern";
            case "Email" -> "format";
            case "Size" -> sizeRule(v.getInvalidValue(), (Integer) v.getConstraintDescriptor().getAttributes().get("min"));
            default -> {
                String name = annotation.annotationType().getSimpleName();
                yield Character.toLowerCase(name.charAt(0)) + name.substring(1);
            }
        };
    }

    private static String sizeRule(Object value, Integer min) {
        int size = switch (value) {
            case CharSequence s -> s.length();
            case Collection<?> c -> c.size();
            case Map<?, ?> m -> m.size();
            case null, default -> 0;
        };
        boolean tooShort = min != null && size < min;
        return value instanceof CharSequence ? (tooShort ? "minLength" : "maxLength") : (tooShort ? "minItems" : "maxItems");
    }

    /**
     * The field a violation is about: the JSON path below the body parameter ({@code items[2].name}),
     * or the parameter's name when the parameter itself is wrong.
     */
    private static String field(Path path) {
        StringBuilder field = new StringBuilder();
        String parameter = null;
        for (Path.Node node : path) {
            switch (node.getKind()) {
                case PARAMETER -> parameter = node.getName();
                case PROPERTY, CONTAINER_ELEMENT, BEAN -> {
                    if (node.isInIterable()) {
                        field.append('[').append(node.getIndex() != null ? node.getIndex() : node.getKey()).append(']');
                    }
                    if (node.getKind() == ElementKind.PROPERTY) {
                        field.append(field.isEmpty() ? "" : ".").append(node.getName());
                    }
                }
                default -> {
                    // The method and the return value name no field of the request.
                }
            }
        }
        if (field.isEmpty()) {
            return parameter != null ? parameter : path.toString();
        }
        return field.toString();
    }

    private static String field(List<JsonMappingException.Reference> path) {
        StringBuilder field = new StringBuilder();
        for (var ref : path) {
            if (ref.getFieldName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                field.append('[').append(ref.getIndex()).append(']');
            }
        }
        return field.isEmpty() ? "(body)" : field.toString();
    }

    /** The value as the answer shows it: long strings cut. */
    private static Object shown(Object value) {
        if (value instanceof CharSequence s && s.length() > MAX_VALUE_CHARS) {
            return s.subSequence(0, MAX_VALUE_CHARS) + "…";
        }
        return value instanceof CharSequence s ? s.toString() : value;
    }

    private static String describe(Object value) {
        return switch (value) {
            case null -> "null";
            case CharSequence s -> "\"" + s + "\"";
            default -> String.valueOf(value);
        };
    }
}
