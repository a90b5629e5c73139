'use strict';
// Drives Confluent's two JavaScript schema registry clients, unmodified, against the registry
// at process.argv[2]. Prints one JSON summary on stdout; exits 1 if any step threw.
//
//   node script.js http://127.0.0.1:8081

const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');
const {
  AvroDeserializer,
  AvroSerializer,
  SchemaRegistryClient,
  SerdeType,
} = require('@confluentinc/schemaregistry');

const PAYMENT = {
  type: 'record',
  name: 'Payment',
  namespace: 'com.acme',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
  ],
};

const SHIPMENT = {
  type: 'record',
  name: 'Shipment',
  namespace: 'com.acme',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'parcels', type: 'int' },
  ],
};

/** Magic byte and big-endian schema id of a Confluent-framed message. */
function framing(buffer) {
  return { magic: buffer.readUInt8(0), id: buffer.readUInt32BE(1) };
}

/** The status and Confluent error code of a failed call, from either client's error type. */
async function failure(call) {
  try {
    await call();
  } catch (error) {
    return {
      name: error.constructor.name,
      status: error.status ?? null,
      errorCode: error.errorCode ?? null,
    };
  }
  return null;
}

async function kafkajs(url) {
  const registry = new SchemaRegistry({ host: url, clientId: 'evcat-client-test' });
  const subject = 'kafkajs-payments-value';
  const payment = { id: 'p-1', amount: 12.5 };

  const schema = { type: SchemaType.AVRO, schema: JSON.stringify(PAYMENT) };
  const { id } = await registry.register(schema, { subject });
  const again = await registry.register(schema, { subject });
  const encoded = await registry.encode(id, payment);
  // A second client decodes, so the schema comes from the registry, not from a cache.
  const decoded = await new SchemaRegistry({ host: url }).decode(encoded);
  return {
    subject,
    registeredId: id,
    againId: again.id,
    latestId: await registry.getLatestSchemaId(subject),
    encoded: framing(encoded),
    roundTrip: JSON.stringify(decoded) === JSON.stringify(payment),
    decoded,
    unknownSubject: await failure(() => registry.getLatestSchemaId('kafkajs-nobody-value')),
  };
}

async function confluent(url) {
  const client = new SchemaRegistryClient({ baseURLs: [url] });
  const subject = 'confluent-shipments-value';
  const registeredId = await client.register(subject, {
    schemaType: 'AVRO',
    schema: JSON.stringify(SHIPMENT),
  });
  const latest = await client.getLatestSchemaMetadata(subject);

  const topic = 'confluent-parcels';
  const parcel = { id: 's-1', parcels: 3 };
  const serializer = new AvroSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: true });
  const bytes = await serializer.serialize(topic, parcel);
  // A fresh client reads, so the writer schema is fetched from the registry by id.
  const reader = new SchemaRegistryClient({ baseURLs: [url] });
  const deserializer = new AvroDeserializer(reader, SerdeType.VALUE, {});
  const back = await deserializer.deserialize(topic, bytes);
  return {
    subject,
    registeredId,
    latest: { id: latest.id, version: latest.version, schemaType: latest.schemaType ?? null },
    latestSchema: JSON.parse(latest.schema),
    serializer: {
      subject: `${topic}-value`,
      encoded: framing(bytes),
      latestId: (await reader.getLatestSchemaMetadata(`${topic}-value`)).id,
      roundTrip: JSON.stringify({ ...back }) === JSON.stringify(parcel),
      decoded: { ...back },
    },
    unknownSubject: await failure(() => reader.getLatestSchemaMetadata('confluent-nobody-value')),
  };
}

async function main() {
  const url = process.argv[2];
  if (!url) {
    throw new Error('usage: node script.js <registry url>');
  }
  return { kafkajs: await kafkajs(url), confluent: await confluent(url) };
}

main().then(
  (summary) => {
    process.stdout.write(`${JSON.stringify({ ok: true, ...summary })}\n`);
  },
  (error) => {
    const status = error.status ?? null;
    process.stdout.write(`${JSON.stringify({ ok: false, error: String(error), status })}\n`);
    process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  },
);
