import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

function literal(node: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
      return parseInt(node.value, 10);
    case Kind.FLOAT:
      return parseFloat(node.value);
    case Kind.NULL:
      return null;
    case Kind.ENUM:
      return node.value;
    case Kind.LIST:
      return node.values.map((v) => literal(v, variables));
    case Kind.OBJECT: {
      const out: Record<string, unknown> = Object.create(null);
      for (const f of node.fields) out[f.name.value] = literal(f.value, variables);
      return { ...out };
    }
    case Kind.VARIABLE:
      return variables?.[node.name.value];
  }
}

/** Arbitrary JSON (filters, json fields); object literals are accepted inline as Directus clients send them. */
export const GraphQLJSON = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: (node, variables) => literal(node, variables),
});
