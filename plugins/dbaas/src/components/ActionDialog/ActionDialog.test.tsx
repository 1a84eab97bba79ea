import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ActionDialog } from './ActionDialog';

const renderDialog = (
  onAction: () => Promise<void>,
  extra: { actionDisabled?: boolean } = {},
) => {
  const onClose = jest.fn();
  render(
    <ActionDialog
      titleId="test-dialog-title"
      title="Do the thing"
      actionLabel="Do it"
      onAction={onAction}
      onClose={onClose}
      {...extra}
    >
      What the thing does.
    </ActionDialog>,
  );
  return { onClose };
};

describe('ActionDialog', () => {
  it('is labelled by its title and shows its content', () => {
    renderDialog(async () => {});
    expect(
      screen.getByRole('dialog', { name: 'Do the thing' }),
    ).toHaveTextContent('What the thing does.');
  });

  it('disables the action while it runs', async () => {
    let finish: () => void = () => {};
    const onAction = jest.fn(
      () => new Promise<void>(resolve => (finish = resolve)),
    );
    renderDialog(onAction);
    await userEvent.click(screen.getByRole('button', { name: 'Do it' }));
    expect(screen.getByRole('button', { name: 'Do it' })).toBeDisabled();
    finish();
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Do it' })).toBeEnabled(),
    );
    expect(onAction).toHaveBeenCalledTimes(1);
  });

  it('shows a failure as an alert and lets the user try again', async () => {
    const onAction = jest
      .fn<Promise<void>, []>()
      .mockRejectedValueOnce(new Error('Quota exceeded'))
      .mockResolvedValueOnce(undefined);
    renderDialog(onAction);
    await userEvent.click(screen.getByRole('button', { name: 'Do it' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Quota exceeded',
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Do it' })).toBeEnabled();

    await userEvent.click(screen.getByRole('button', { name: 'Do it' }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(onAction).toHaveBeenCalledTimes(2);
  });

  it('keeps the action disabled for the form, and Cancel closes', async () => {
    const onAction = jest.fn(async () => {});
    const { onClose } = renderDialog(onAction, { actionDisabled: true });
    expect(screen.getByRole('button', { name: 'Do it' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalled();
    expect(onAction).not.toHaveBeenCalled();
  });
});
