package dev.cairn;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;

/** The test profile's users (application.properties, %test.cairn.security.users): requests sent as them. */
public final class Admin {
    /** A user with role cairn-admin. */
    public static final String USER = "admin";
    public static final String PASSWORD = "admin-secret";
    /** A user with role viewer only. */
    public static final String VIEWER = "viewer";
    public static final String VIEWER_PASSWORD = "viewer-secret";

    private Admin() {}

    /** A request with the admin's HTTP Basic credentials. */
    public static RequestSpecification asAdmin() {
        return given().auth().preemptive().basic(USER, PASSWORD);
    }
}
