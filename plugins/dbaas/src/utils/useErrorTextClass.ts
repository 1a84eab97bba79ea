import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  // MUI's error red (#f44336) misses the 4.5:1 contrast on white that axe
  // asks of small text; Backstage's errorText meets it. Doubled, to outrank
  // MUI's `.Mui-error` rule.
  errorText: {
    '&&': {
      color:
        (theme.palette as { errorText?: string }).errorText ??
        theme.palette.error.dark,
    },
  },
}));

/**
 * A class for error text (a field's label and helper text in error, a
 * form's alert) in a red that stays readable.
 */
export function useErrorTextClass(): string {
  return useStyles().errorText;
}
