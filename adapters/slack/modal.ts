/**
 * The "Send to image maintainers" modal (issue 7), pre-filled from the message the shortcut was
 * used on. Pure. All fields are plain_text inputs: Slack shows their values verbatim, so the
 * message text needs no mrkdwn escaping here; it is escaped wherever it is shown later.
 */
import { FEEDBACK_KINDS, MODAL_ACTIONS, MODAL_BLOCKS, type FeedbackKind, type ShortcutOrigin } from './inbound.js';

export const SHORTCUT_CALLBACK_ID = 'send_to_maintainers';
export const MODAL_CALLBACK_ID = 'send_to_maintainers_modal';

const MAX_INITIAL_TEXT = 3000;

export interface ModalPrefill {
  readonly image: string | undefined;
  readonly kind: FeedbackKind;
  readonly text: string;
  readonly origin: ShortcutOrigin;
}

export function feedbackModal(prefill: ModalPrefill): Record<string, unknown> {
  const kindOption = (k: (typeof FEEDBACK_KINDS)[number]) => ({ text: { type: 'plain_text', text: k.label }, value: k.value });
  const initialKind = FEEDBACK_KINDS.find((k) => k.value === prefill.kind) ?? FEEDBACK_KINDS[0];
  const text = [...prefill.text].slice(0, MAX_INITIAL_TEXT).join('');
  return {
    type: 'modal',
    callback_id: MODAL_CALLBACK_ID,
    title: { type: 'plain_text', text: 'Send to maintainers' },
    submit: { type: 'plain_text', text: 'Continue' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify(prefill.origin),
    blocks: [
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'doi-bot will tell you where this goes (the image repository, the docs or the official-images process) and ask you to confirm before anything is filed.',
          },
        ],
      },
      {
        type: 'input',
        block_id: MODAL_BLOCKS.image,
        label: { type: 'plain_text', text: 'Image' },
        element: {
          type: 'plain_text_input',
          action_id: MODAL_ACTIONS.image,
          placeholder: { type: 'plain_text', text: 'python, nginx, node, ...' },
          ...(prefill.image ? { initial_value: prefill.image } : {}),
        },
      },
      {
        type: 'input',
        block_id: MODAL_BLOCKS.kind,
        label: { type: 'plain_text', text: 'About' },
        element: {
          type: 'static_select',
          action_id: MODAL_ACTIONS.kind,
          options: FEEDBACK_KINDS.map(kindOption),
          initial_option: kindOption(initialKind),
        },
      },
      {
        type: 'input',
        block_id: MODAL_BLOCKS.text,
        label: { type: 'plain_text', text: 'What is wrong?' },
        element: {
          type: 'plain_text_input',
          action_id: MODAL_ACTIONS.text,
          multiline: true,
          max_length: MAX_INITIAL_TEXT,
          ...(text.trim() ? { initial_value: text } : {}),
        },
      },
    ],
  };
}
