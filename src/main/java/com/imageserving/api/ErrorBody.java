package com.imageserving.api;

/** The body of every error answer: {@code {"detail": "..."}}. */
public record ErrorBody(Object detail) {}
