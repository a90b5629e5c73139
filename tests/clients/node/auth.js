'use strict';
// Drives Confluent's two JavaScript schema registry clients, unmodified, against an evcat with
// sign-in: Basic credentials (kafkajs' `auth`, @confluentinc/schemaregistry's USER_INFO) and a
// static bearer token (STATIC_TOKEN). Prints one JSON summary on stdout; exits 1 if a step threw.
//
//   node auth.js <registry url> <writer user> <writer password> <reader user> <reader password> <token>

const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');
const {
  AvroDeserializer,
  AvroSerializer,
  SchemaRegistryClient,
  SerdeType,
} = require('@confluentinc/schemaregistry');

const ORDER = {
  type: 'record',
  name: 'Order',
  namespace: 'com.acme',
  fields: [{ name: 'id', type: 'string' }],
};

async function failure(call) {
  try {
    await call();
  } catch (error) {
    return { status: error.status ?? null, errorCode: error.errorCode ?? null };
  }
  return null;
}

async function kafkajs(url, writer, reader) {
  const subject = 'orders-kafkajs-value';
  const producer = new SchemaRegistry({ host: url, auth: writer });
  const { id } = await producer.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(ORDER) },
    { subject },
  );
  const encoded = await producer.encode(id, { id: 'o-1' });
  const decoded = await new SchemaRegistry({ host: url, auth: reader }).decode(encoded);
  const wrong = new SchemaRegistry({ host: url, auth: { ...reader, password: 'guess' } });
  return {
    registeredId: id,
    roundTrip: decoded.id === 'o-1',
    wrongPassword: await failure(() => wrong.getLatestSchemaId(subject)),
  };
}

async function confluent(url, writer, reader, token) {
  const basic = (who) => ({
    baseURLs: [url],
    basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: `${who.username}:${who.password}` },
  });
  const bearer = {
    baseURLs: [url],
    bearerAuthCredentials: { credentialsSource: 'STATIC_TOKEN', token, logicalCluster: 'lsrc-evcat' },
  };
  const subject = 'orders-confluent-value';
  const withPassword = new SchemaRegistryClient(basic(writer));
  const registeredId = await withPassword.register(subject, {
    schemaType: 'AVRO',
    schema: JSON.stringify(ORDER),
  });
  const withToken = new SchemaRegistryClient(bearer);
  const latestId = (await withToken.getLatestSchemaMetadata(subject)).id;

  const topic = 'orders-parcels';
  const serializer = new AvroSerializer(withToken, SerdeType.VALUE, { autoRegisterSchemas: true });
  const bytes = await serializer.serialize(topic, { id: 'o-2' });
  const readerClient = new SchemaRegistryClient(basic(reader));
  const back = await new AvroDeserializer(readerClient, SerdeType.VALUE, {}).deserialize(topic, bytes);
  return {
    registeredId,
    latestId,
    roundTrip: back.id === 'o-2',
    readerWrites: await failure(() =>
      readerClient.register('orders-denied-value', { schemaType: 'AVRO', schema: JSON.stringify(ORDER) }),
    ),
  };
}

async function main() {
  const [url, writerUser, writerPassword, readerUser, readerPassword, token] = process.argv.slice(2);
  if (!token) {
    throw new Error('usage: node auth.js <url> <writer> <password> <reader> <password> <token>');
  }
  const writer = { username: writerUser, password: writerPassword };
  const reader = { username: readerUser, password: readerPassword };
  return {
    kafkajs: await kafkajs(url, writer, reader),
    confluent: await confluent(url, writer, reader, token),
  };
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
