// The environment every test server runs with. The API secret signs session tokens and webhooks in tests.
export const TEST_API_KEY = "test-api-key";
export const TEST_API_SECRET = "test-api-secret-for-signatures";
// 32 bytes, base64: used only by tests.
export const TEST_ENCRYPTION_KEY = "dGVzdC1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcy0hISE=";

export function appEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "production",
    SHOPIFY_API_KEY: TEST_API_KEY,
    SHOPIFY_API_SECRET: TEST_API_SECRET,
    SHOPIFY_APP_URL: "https://okendo-braze.test",
    SCOPES: "read_customers",
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    ...overrides,
  };
}
