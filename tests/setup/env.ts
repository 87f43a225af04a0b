/**
 * Vitest setup file of the server projects: puts the test topology's `test-runner` environment
 * (provided by tests/setup/topology.ts) into process.env before a test file imports any code.
 */
import { inject } from "vitest";

Object.assign(process.env, inject("agoraEnv"));
