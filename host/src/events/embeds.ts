export type EmbedPosition = 'head' | 'body';
interface Embed {
  position: EmbedPosition;
  content: string | (() => string);
  owner: string;
}

/** HTML that hooks inject into the admin page; rendered on every page load, so reloads apply at once. */
export function createEmbeds() {
  let list: Embed[] = [];
  return {
    add(position: EmbedPosition, content: string | (() => string), owner: string): () => void {
      const embed: Embed = { position, content, owner };
      list = [...list, embed];
      return () => {
        list = list.filter((e) => e !== embed);
      };
    },
    render(position: EmbedPosition): string {
      return list
        .filter((e) => e.position === position)
        .map((e) => {
          let html: string;
          try {
            html = typeof e.content === 'function' ? e.content() : e.content;
          } catch {
            return '';
          }
          return `<!-- Start Custom Embed ${position === 'head' ? 'Head' : 'Body'} (${e.owner}) -->\n${html}\n<!-- End Custom Embed -->`;
        })
        .join('\n');
    },
    count: () => list.length,
  };
}

export type Embeds = ReturnType<typeof createEmbeds>;
