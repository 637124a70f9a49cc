package com.imageserving.config;

/** A setting has an invalid value; the message names the variable and the problem in one line. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String variable, String problem) {
    super(variable + ": " + problem);
  }
}
