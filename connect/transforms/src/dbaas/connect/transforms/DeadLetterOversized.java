package dbaas.connect.transforms;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.util.SimpleConfig;

/**
 * Sets aside the change events a CDC pipeline cannot write: an event whose key and
 * value, serialized as the pipeline's JSON converter writes them, exceed
 * {@code max.bytes} goes to the pipeline's dead letter topic as a small record
 * that says why, with the row's key and the change's position in the source
 * ({@code op}, {@code source}), instead of the whole row. The pipeline goes on,
 * and a consumer that finds the dead letter can read the row from the database.
 *
 * <p>Our own code because Kafka Connect has no dead letter queue for source
 * connectors (KIP-298 and KIP-610 report to one from sink connectors only), and
 * without this a row larger than the broker takes (RecordTooLargeException)
 * fails the connector, and restarting it meets the same row again. The last
 * transform of the chain: what it measures is what the converter will write.
 */
public class DeadLetterOversized<R extends ConnectRecord<R>> implements Transformation<R> {
  public static final String TOPIC = "topic";
  public static final String MAX_BYTES = "max.bytes";

  /** Below Kafka's default limits (message.max.bytes, max.request.size) with room for headers. */
  public static final int DEFAULT_MAX_BYTES = 1_000_000;

  public static final ConfigDef CONFIG_DEF =
      new ConfigDef()
          .define(
              TOPIC,
              ConfigDef.Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              new ConfigDef.NonEmptyString(),
              ConfigDef.Importance.HIGH,
              "The pipeline's dead letter topic.")
          .define(
              MAX_BYTES,
              ConfigDef.Type.INT,
              DEFAULT_MAX_BYTES,
              ConfigDef.Range.atLeast(1),
              ConfigDef.Importance.MEDIUM,
              "The largest serialized key plus value that goes to its own topic.");

  /** The reason header every dead letter carries. */
  public static final String REASON_HEADER = "dbaas.dead-letter.reason";

  private String topic;
  private int maxBytes;
  private final JsonConverter keys = new JsonConverter();
  private final JsonConverter values = new JsonConverter();
  /** Dead letter schemas by the source schema they carry (one per table's envelope, mostly). */
  private final Map<Schema, Schema> schemas = new HashMap<>();

  @Override
  public void configure(Map<String, ?> props) {
    SimpleConfig config = new SimpleConfig(CONFIG_DEF, props);
    topic = config.getString(TOPIC);
    maxBytes = config.getInt(MAX_BYTES);
    Map<String, Object> converter = new HashMap<>();
    converter.put("schemas.enable", "false");
    converter.put("converter.type", "key");
    keys.configure(converter);
    converter.put("converter.type", "value");
    values.configure(converter);
  }

  @Override
  public R apply(R record) {
    if (record.value() == null) return record;
    // Serializing every event to measure it would double the converter's work:
    // most are far from the limit even if each character were escaped.
    if ((rough(record.key()) + rough(record.value())) * MAX_JSON_BYTES_PER_CHAR <= maxBytes) {
      return record;
    }
    long bytes =
        size(values, record, record.valueSchema(), record.value())
            + size(keys, record, record.keySchema(), record.key());
    if (bytes <= maxBytes) return record;
    String reason =
        "The change event is "
            + bytes
            + " bytes serialized; a CDC topic takes at most "
            + maxBytes
            + ". Read the row from the database by its key.";
    Struct envelope =
        record.value() instanceof Struct ? (Struct) record.value() : null;
    Struct source = field(envelope, "source");
    Schema schema = schemaFor(source == null ? null : source.schema());
    Struct letter =
        new Struct(schema)
            .put("reason", reason)
            .put("topic", record.topic())
            .put("bytes", bytes)
            .put("max_bytes", (long) maxBytes);
    Object op = envelope == null ? null : fieldValue(envelope, "op");
    if (op instanceof String) letter.put("op", op);
    if (source != null) letter.put("source", copy(source, schema.field("source").schema()));
    R dead =
        record.newRecord(
            topic,
            null,
            record.keySchema(),
            record.key(),
            schema,
            letter,
            record.timestamp(),
            record.headers().duplicate());
    dead.headers().addString(REASON_HEADER, reason);
    return dead;
  }

  /** The most bytes JSON writes for one character of a string: an escaped control character. */
  private static final int MAX_JSON_BYTES_PER_CHAR = 6;

  /**
   * A bound on the characters a value's JSON holds, {@link #MAX_JSON_BYTES_PER_CHAR}
   * aside: field names and strings as they are, bytes as base64, anything else
   * (numbers, booleans, nulls, punctuation) 24.
   */
  private static long rough(Object value) {
    if (value == null) return 24;
    if (value instanceof String) return ((String) value).length() + 24L;
    if (value instanceof byte[]) return ((byte[]) value).length * 4L / 3 + 24;
    if (value instanceof java.nio.ByteBuffer) return ((java.nio.ByteBuffer) value).remaining() * 4L / 3 + 24;
    if (value instanceof Struct) {
      Struct struct = (Struct) value;
      long total = 24;
      for (Field field : struct.schema().fields()) {
        total += field.name().length() + rough(struct.get(field));
      }
      return total;
    }
    if (value instanceof java.util.Collection) {
      long total = 24;
      for (Object item : (java.util.Collection<?>) value) total += rough(item);
      return total;
    }
    if (value instanceof Map) {
      long total = 24;
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        total += rough(entry.getKey()) + rough(entry.getValue());
      }
      return total;
    }
    return 24;
  }

  /** The serialized size; an event the converter cannot write at all is too large to judge: 0. */
  private static long size(JsonConverter converter, ConnectRecord<?> record, Schema schema, Object value) {
    if (value == null) return 0;
    byte[] written = converter.fromConnectData(record.topic(), schema, value);
    return written == null ? 0 : written.length;
  }

  private static Struct field(Struct struct, String name) {
    Object value = fieldValue(struct, name);
    return value instanceof Struct ? (Struct) value : null;
  }

  private static Object fieldValue(Struct struct, String name) {
    if (struct == null) return null;
    Field field = struct.schema().field(name);
    return field == null ? null : struct.get(field);
  }

  private Schema schemaFor(Schema source) {
    return schemas.computeIfAbsent(
        source == null ? Schema.OPTIONAL_STRING_SCHEMA : source,
        key -> {
          SchemaBuilder builder =
              SchemaBuilder.struct()
                  .name("dbaas.cdc.DeadLetter")
                  .field("reason", Schema.STRING_SCHEMA)
                  .field("topic", Schema.STRING_SCHEMA)
                  .field("bytes", Schema.INT64_SCHEMA)
                  .field("max_bytes", Schema.INT64_SCHEMA)
                  .field("op", Schema.OPTIONAL_STRING_SCHEMA);
          if (source != null) builder.field("source", optional(source));
          return builder.build();
        });
  }

  /** {@code struct}'s fields in a struct of {@code schema}, its optional copy. */
  private static Struct copy(Struct struct, Schema schema) {
    Struct copied = new Struct(schema);
    for (Field field : struct.schema().fields()) copied.put(field.name(), struct.get(field));
    return copied;
  }

  /** The same struct schema, optional: not every dead letter has a source. */
  private static Schema optional(Schema schema) {
    if (schema.isOptional()) return schema;
    SchemaBuilder builder = SchemaBuilder.struct().name(schema.name()).optional();
    if (schema.version() != null) builder.version(schema.version());
    for (Field field : schema.fields()) builder.field(field.name(), field.schema());
    return builder.build();
  }

  @Override
  public ConfigDef config() {
    return CONFIG_DEF;
  }

  @Override
  public void close() {
    keys.close();
    values.close();
    schemas.clear();
  }
}
