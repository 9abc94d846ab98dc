"""The built documentation in headless Chromium: no code block of the
deployment chapter hides part of its lines. A line longer than its block
must give the block a scrollbar, never be cut off or spill over the page.
"""
import base64
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent / 'artifacts'

pytestmark = pytest.mark.slow

# For every code block: its first line, whether its content is wider than
# the block, the block's horizontal overflow style, and whether the block
# itself reaches past the page's content column.
MEASURE_BLOCKS = """
const column = document.querySelector('div.body').getBoundingClientRect();
return Array.from(document.querySelectorAll('div.body pre')).map(pre => {
  const box = pre.getBoundingClientRect();
  return {
    first_line: pre.textContent.split('\\n')[0],
    overflows: pre.scrollWidth > pre.clientWidth,
    overflow_x: getComputedStyle(pre).overflowX,
    past_column: box.right > column.right + 1,
  };
});
"""


def full_page_screenshot(driver, path):
    """Save a PNG of the whole page, not only the visible part."""
    shot = driver.execute_cdp_cmd(
        'Page.captureScreenshot', {'captureBeyondViewport': True, 'fromSurface': True})
    path.write_bytes(base64.b64decode(shot['data']))


@pytest.mark.parametrize('width', [1024, 700])
def test_deployment_code_blocks_scroll_instead_of_cutting_lines(
        chromium, built_docs, width):
    chromium.set_window_size(width, 900)
    chromium.get((built_docs / 'deployment.html').as_uri())
    blocks = chromium.execute_script(MEASURE_BLOCKS)

    artifacts = ARTIFACTS / f'test_deployment_code_blocks-{width}'
    artifacts.mkdir(parents=True, exist_ok=True)
    full_page_screenshot(chromium, artifacts / 'deployment.png')

    assert len(blocks) > 15
    # Some lines are longer than the column: the check has something to see.
    assert any(block['overflows'] for block in blocks)
    cut = [block['first_line'] for block in blocks
           if block['overflows'] and block['overflow_x'] not in ('auto', 'scroll')]
    spilling = [block['first_line'] for block in blocks if block['past_column']]
    assert cut == [], f'code blocks that cut their long lines off: {cut}'
    assert spilling == [], f'code blocks wider than the page column: {spilling}'


def test_the_check_sees_a_code_block_that_cuts_its_lines(chromium, built_docs):
    # The same page with the theme's scrollbars turned off, as a theme
    # that clips long lines would have it: the measurement must notice.
    chromium.get((built_docs / 'deployment.html').as_uri())
    chromium.execute_script(
        "const style = document.createElement('style');"
        "style.textContent = 'div.body pre { overflow: hidden !important; }';"
        "document.head.appendChild(style);")
    blocks = chromium.execute_script(MEASURE_BLOCKS)
    assert [block for block in blocks
            if block['overflows'] and block['overflow_x'] not in ('auto', 'scroll')]
