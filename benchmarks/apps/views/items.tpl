<!doctype html>
<title>{{title}}</title>
<ul>
% for item in items:
  <li>{{item}}</li>
% end
</ul>
