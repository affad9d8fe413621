import { describe, it, expect } from "vitest";
import { BRAZE_INSTANCES, normalizeBrazeEndpoint, parseExtraEndpoints } from "../../app/braze/endpoints";

const ok = (url: string) => ({ ok: true, url });
const err = (error: string) => ({ ok: false, error });
const notAllowed = (host: string) => err(`${host} is not a Braze REST endpoint. Choose your instance from the list.`);

const EXPECTED: Array<[string, string]> = [
  ["US-01", "https://rest.iad-01.braze.com"],
  ["US-02", "https://rest.iad-02.braze.com"],
  ["US-03", "https://rest.iad-03.braze.com"],
  ["US-04", "https://rest.iad-04.braze.com"],
  ["US-05", "https://rest.iad-05.braze.com"],
  ["US-06", "https://rest.iad-06.braze.com"],
  ["US-07", "https://rest.iad-07.braze.com"],
  ["US-08", "https://rest.iad-08.braze.com"],
  ["US-10", "https://rest.us-10.braze.com"],
  ["EU-01", "https://rest.fra-01.braze.eu"],
  ["EU-02", "https://rest.fra-02.braze.eu"],
  ["AU-01", "https://rest.au-01.braze.com"],
  ["ID-01", "https://rest.id-01.braze.com"],
  ["JP-01", "https://rest.jp-01.braze.com"],
  ["KR-01", "https://rest.kr-01.braze.com"],
];

describe("BRAZE_INSTANCES", () => {
  it("lists the 15 Braze REST endpoints in order, with labels", () => {
    expect(BRAZE_INSTANCES.map((i) => [i.id, i.url])).toEqual(EXPECTED);
    expect(BRAZE_INSTANCES.find((i) => i.id === "US-03")?.label).toBe("US-03 — https://rest.iad-03.braze.com");
    for (const i of BRAZE_INSTANCES) expect(i.label).toBe(`${i.id} — ${i.url}`);
  });

  it("is frozen", () => {
    expect(Object.isFrozen(BRAZE_INSTANCES)).toBe(true);
    expect(Object.isFrozen(BRAZE_INSTANCES[0])).toBe(true);
  });
});

describe("normalizeBrazeEndpoint: accepted forms", () => {
  for (const [id, url] of EXPECTED) {
    const host = url.replace("https://", "");
    it(`accepts ${id} in every pasted form`, () => {
      for (const input of [
        url,
        host,
        url.toUpperCase(),
        host.toUpperCase(),
        `${url}/`,
        `${url}///`,
        `${host}/`,
        `${url}/users/track`,
        `${host}/messages/send?x=1#frag`,
        `  ${url}  `,
        `\t${url}\n`,
        `${url}:443`,
        `${url}.`,
        `http://${host}`,
        `HTTP://${host.toUpperCase()}/`,
      ]) {
        expect(normalizeBrazeEndpoint(input), input).toEqual(ok(url));
      }
    });
  }

  it("upgrades http:// on a real endpoint to https://", () => {
    expect(normalizeBrazeEndpoint("http://rest.iad-03.braze.com")).toEqual(ok("https://rest.iad-03.braze.com"));
    // Port 80 is http's default, so this is the same host and is upgraded too.
    expect(normalizeBrazeEndpoint("http://rest.fra-01.braze.eu:80/")).toEqual(ok("https://rest.fra-01.braze.eu"));
  });

  it("treats a backslash as a path separator (WHATWG URL) and returns the canonical origin", () => {
    expect(normalizeBrazeEndpoint("https://rest.iad-01.braze.com\\@evil.com")).toEqual(
      ok("https://rest.iad-01.braze.com"),
    );
  });
});

describe("normalizeBrazeEndpoint: errors", () => {
  it("asks for a value when empty", () => {
    for (const input of ["", "   ", "\n\t"]) {
      expect(normalizeBrazeEndpoint(input)).toEqual(err("Enter your Braze REST endpoint."));
    }
  });

  it("rejects things that are not URLs", () => {
    for (const input of [
      "hello world",
      "abc123def456",
      "0123abcd-4567-89ab-cdef-0123456789ab", // an API key pasted into the wrong field
      "https://",
      "ftp://rest.iad-01.braze.com",
      "javascript:alert(1)",
      "https://rest.iad-01.braze.com:99999",
    ]) {
      expect(normalizeBrazeEndpoint(input), input).toEqual(err("Enter a URL like https://rest.iad-01.braze.com."));
    }
  });

  it("names the REST endpoint when given an SDK endpoint, including EU", () => {
    const cases: Array<[string, string]> = [
      ["sdk.iad-03.braze.com", "https://rest.iad-03.braze.com"],
      ["https://sdk.iad-01.braze.com/", "https://rest.iad-01.braze.com"],
      ["SDK.FRA-01.BRAZE.EU", "https://rest.fra-01.braze.eu"],
      ["https://sdk.fra-02.braze.eu/api/v3", "https://rest.fra-02.braze.eu"],
      ["sdk.us-10.braze.com", "https://rest.us-10.braze.com"],
      ["sdk.au-01.braze.com", "https://rest.au-01.braze.com"],
      ["sdk.kr-01.braze.com", "https://rest.kr-01.braze.com"],
    ];
    for (const [input, rest] of cases) {
      expect(normalizeBrazeEndpoint(input), input).toEqual(
        err(`That is a Braze SDK endpoint. Use the REST endpoint for the same instance: ${rest}`),
      );
    }
  });

  it("still recognizes an SDK endpoint with no known REST counterpart", () => {
    for (const input of ["sdk.iad-09.braze.com", "https://sdk.fra-03.braze.eu"]) {
      expect(normalizeBrazeEndpoint(input), input).toEqual(
        err("That is a Braze SDK endpoint. Choose the REST endpoint for your instance from the list."),
      );
    }
  });

  it("does not call a look-alike an SDK endpoint", () => {
    expect(normalizeBrazeEndpoint("sdk.iad-03.braze.com.evil.com")).toEqual(
      notAllowed("sdk.iad-03.braze.com.evil.com"),
    );
  });

  it("hints the REST endpoint for documented dashboard addresses", () => {
    const cases: Array<[string, string]> = [
      ["dashboard-03.braze.com", "https://rest.iad-03.braze.com"],
      ["https://dashboard-01.braze.com/app_settings/developer_console", "https://rest.iad-01.braze.com"],
      ["https://dashboard-08.braze.com", "https://rest.iad-08.braze.com"],
      ["dashboard.us-10.braze.com", "https://rest.us-10.braze.com"],
      ["https://dashboard-01.braze.eu", "https://rest.fra-01.braze.eu"],
      ["dashboard-02.braze.eu", "https://rest.fra-02.braze.eu"],
      ["dashboard.au-01.braze.com", "https://rest.au-01.braze.com"],
    ];
    for (const [input, rest] of cases) {
      expect(normalizeBrazeEndpoint(input), input).toEqual(
        err(`That is the Braze dashboard address. Use the REST endpoint for the same instance: ${rest}`),
      );
    }
  });

  it("gives a generic dashboard message when the mapping is not documented", () => {
    for (const input of ["dashboard.braze.com", "https://dashboard.jp-01.braze.com", "dashboard-09.braze.com"]) {
      expect(normalizeBrazeEndpoint(input), input).toEqual(
        err(
          "That is the Braze dashboard address, not the REST endpoint. Use the REST endpoint shown in Braze under Settings › APIs and Identifiers.",
        ),
      );
    }
  });

  it("refuses US-09, which does not exist", () => {
    expect(normalizeBrazeEndpoint("https://rest.iad-09.braze.com")).toEqual(notAllowed("rest.iad-09.braze.com"));
    expect(normalizeBrazeEndpoint("rest.us-09.braze.com")).toEqual(notAllowed("rest.us-09.braze.com"));
  });

  it("refuses look-alike hosts", () => {
    const cases: Array<[string, string]> = [
      ["rest.iad-03.braze.com.evil.com", "rest.iad-03.braze.com.evil.com"],
      ["https://rest.iad-03.braze.com.evil.com/users/track", "rest.iad-03.braze.com.evil.com"],
      ["https://evil-rest.iad-03.braze.com", "evil-rest.iad-03.braze.com"],
      ["https://rest.iad-03.braze.co", "rest.iad-03.braze.co"],
      ["https://rest.fra-01.braze.com", "rest.fra-01.braze.com"], // EU host on the .com domain
      ["https://rest.iad-01.braze.eu", "rest.iad-01.braze.eu"],
      ["https://rest-iad-01.braze.com", "rest-iad-01.braze.com"],
      ["https://braze.com", "braze.com"],
      ["https://rеst.iad-01.braze.com", "xn--rst-rdd.iad-01.braze.com"], // Cyrillic "е"
      ["https://example.com", "example.com"],
      ["https://127.0.0.1:4010", "127.0.0.1:4010"],
    ];
    for (const [input, host] of cases) {
      expect(normalizeBrazeEndpoint(input), input).toEqual(notAllowed(host));
    }
  });

  it("refuses userinfo tricks", () => {
    expect(normalizeBrazeEndpoint("https://rest.iad-01.braze.com@evil.com")).toEqual(notAllowed("evil.com"));
    expect(normalizeBrazeEndpoint("rest.iad-01.braze.com@evil.com/users/track")).toEqual(notAllowed("evil.com"));
    expect(normalizeBrazeEndpoint("https://rest.iad-01.braze.com:443@evil.com")).toEqual(notAllowed("evil.com"));
    expect(normalizeBrazeEndpoint("https://sdk.iad-01.braze.com@evil.com")).toEqual(notAllowed("evil.com"));
    // Without "//" the part before "@" is read as credentials too, so the real host is named.
    expect(normalizeBrazeEndpoint("mailto:someone@example.com")).toEqual(notAllowed("example.com"));
    const credentials = err(
      "Remove the user name and password (the part before “@”) from the endpoint. Braze REST endpoints don't use them.",
    );
    expect(normalizeBrazeEndpoint("https://evil.com@rest.iad-01.braze.com")).toEqual(credentials);
    expect(normalizeBrazeEndpoint("https://user:pass@rest.iad-01.braze.com")).toEqual(credentials);
  });

  it("refuses a non-default port on a real endpoint", () => {
    expect(normalizeBrazeEndpoint("https://rest.iad-03.braze.com:8443")).toEqual(
      err(
        "rest.iad-03.braze.com:8443 is not a Braze REST endpoint. Remove the port number: Braze REST endpoints use the standard HTTPS port.",
      ),
    );
    // :443 over http is not the https default port, so it is refused too.
    expect(normalizeBrazeEndpoint("http://rest.iad-03.braze.com:443")).toMatchObject({ ok: false });
  });
});

describe("extra endpoints", () => {
  const extras = ["http://127.0.0.1:4010"];

  it("allows http://127.0.0.1:4010 only when passed", () => {
    expect(normalizeBrazeEndpoint("http://127.0.0.1:4010")).toEqual(notAllowed("127.0.0.1:4010"));
    expect(normalizeBrazeEndpoint("http://127.0.0.1:4010", extras)).toEqual(ok("http://127.0.0.1:4010"));
    expect(normalizeBrazeEndpoint("http://127.0.0.1:4010/users/track", extras)).toEqual(ok("http://127.0.0.1:4010"));
  });

  it("matches on exact origin: scheme, host and port", () => {
    expect(normalizeBrazeEndpoint("https://127.0.0.1:4010", extras)).toEqual(notAllowed("127.0.0.1:4010"));
    expect(normalizeBrazeEndpoint("127.0.0.1:4010", extras)).toEqual(notAllowed("127.0.0.1:4010"));
    expect(normalizeBrazeEndpoint("http://127.0.0.1:4011", extras)).toEqual(notAllowed("127.0.0.1:4011"));
    expect(normalizeBrazeEndpoint("http://localhost:4010", extras)).toMatchObject({ ok: false });
  });

  it("normalizes extras the same way (case, trailing slash, path)", () => {
    const messy = ["  HTTP://LocalHost:4010/some/path/  "];
    expect(normalizeBrazeEndpoint("http://localhost:4010", messy)).toEqual(ok("http://localhost:4010"));
  });

  it("refuses credentials on an extra endpoint", () => {
    expect(normalizeBrazeEndpoint("http://a:b@127.0.0.1:4010", extras)).toMatchObject({ ok: false });
  });

  it("keeps accepting the real endpoints when extras are given", () => {
    expect(normalizeBrazeEndpoint("rest.iad-03.braze.com", extras)).toEqual(ok("https://rest.iad-03.braze.com"));
  });
});

describe("parseExtraEndpoints", () => {
  it("returns [] for unset or blank values", () => {
    expect(parseExtraEndpoints(undefined)).toEqual([]);
    expect(parseExtraEndpoints("")).toEqual([]);
    expect(parseExtraEndpoints(" , ,")).toEqual([]);
  });

  it("splits on commas, trims, normalizes to origins and de-duplicates", () => {
    expect(
      parseExtraEndpoints(" http://127.0.0.1:4010/ ,, HTTPS://Mock.Example.com/users/track, http://127.0.0.1:4010"),
    ).toEqual(["http://127.0.0.1:4010", "https://mock.example.com"]);
  });

  it("defaults a missing scheme to https", () => {
    expect(parseExtraEndpoints("mock.example.com")).toEqual(["https://mock.example.com"]);
  });

  it("throws on an entry that is not an http(s) URL", () => {
    expect(() => parseExtraEndpoints("http://127.0.0.1:4010, not a url")).toThrow(
      'BRAZE_EXTRA_ENDPOINTS: "not a url" is not an http(s) URL like http://127.0.0.1:4010',
    );
    expect(() => parseExtraEndpoints("ftp://127.0.0.1")).toThrow(/BRAZE_EXTRA_ENDPOINTS/);
  });
});
