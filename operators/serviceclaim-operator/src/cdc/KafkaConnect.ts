/**
 * The client of Kafka Connect's REST API (the one in every Kafka Connect
 * worker, https://kafka.apache.org/documentation/#connect_rest), which is how
 * the operator runs a PoP's CDC connectors, as Strimzi's connector operator
 * does. Our own code: there is no maintained JavaScript client for it, and it
 * is a handful of JSON calls over fetch.
 */

/** A connector's state, as `GET /connectors/{name}/status` gives it. */
export type ConnectorStatus = {
  name: string;
  connector: { state: string; worker_id?: string; trace?: string };
  tasks: { id: number; state: string; worker_id?: string; trace?: string }[];
};

/** What Kafka Connect answered when it refused, with its status code. */
export class KafkaConnectError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'KafkaConnectError';
  }
}

export class KafkaConnect {
  constructor(
    /** The worker's REST URL, e.g. http://kafka-connect.kafka:8083. */
    private readonly url: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /** The connectors the workers run, by name. */
  async list(): Promise<string[]> {
    return (await this.call('GET', '/connectors')) as string[];
  }

  /** Creates the connector, or changes its config (Connect restarts it then). */
  async put(name: string, config: Record<string, string>): Promise<void> {
    await this.call('PUT', `/connectors/${encodeURIComponent(name)}/config`, {
      ...config,
      name,
    });
  }

  /** Its config as Connect stores it; undefined when there is none. */
  async config(name: string): Promise<Record<string, string> | undefined> {
    return (await this.call(
      'GET',
      `/connectors/${encodeURIComponent(name)}/config`,
      undefined,
      true,
    )) as Record<string, string> | undefined;
  }

  /** Its state and its tasks'; undefined when there is no such connector. */
  async status(name: string): Promise<ConnectorStatus | undefined> {
    return (await this.call(
      'GET',
      `/connectors/${encodeURIComponent(name)}/status`,
      undefined,
      true,
    )) as ConnectorStatus | undefined;
  }

  async pause(name: string): Promise<void> {
    await this.call('PUT', `/connectors/${encodeURIComponent(name)}/pause`);
  }

  async resume(name: string): Promise<void> {
    await this.call('PUT', `/connectors/${encodeURIComponent(name)}/resume`);
  }

  /** Restarts the connector and all its tasks, failed or not. */
  async restart(name: string): Promise<void> {
    await this.call(
      'POST',
      `/connectors/${encodeURIComponent(
        name,
      )}/restart?includeTasks=true&onlyFailed=false`,
    );
  }

  /** Deletes the connector; one already gone is deleted. */
  async delete(name: string): Promise<void> {
    await this.call(
      'DELETE',
      `/connectors/${encodeURIComponent(name)}`,
      undefined,
      true,
    );
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
    absentIsUndefined = false,
  ): Promise<unknown> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        Accept: 'application/json',
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (response.status === 404 && absentIsUndefined) return undefined;
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try {
        message = JSON.parse(text).message ?? text;
      } catch {
        // Not Connect's JSON error: its text says it.
      }
      throw new KafkaConnectError(
        response.status,
        `Kafka Connect answered ${method} ${path} with ${response.status}: ${message}`,
      );
    }
    return text ? JSON.parse(text) : undefined;
  }
}
